/**
 * tasks.task.add / get / list / complete (research §6 and the b24restdocs task pages). Errors
 * here are not the CRM's: `ERROR_CORE` texts end in `<br>`, parameter errors use code "100",
 * task-id and action errors code "0"; all HTTP 400.
 */
import { randomUUID } from 'node:crypto';
import { formatDateTime, parseDateInput } from './clock';
import type { CallContext, Handler } from './context';
import { applyFilter, applyOrder, paginate, readOrder, type Kind } from './list-query';
import { asList, intval, isObject, pick, readStart, scalarString, type Params } from './params';
import { RestError } from './rest-error';
import { fullTask, selectTask } from './task-format';
import type { Rec } from './types';

const taskError = (code: string, text: string): RestError => new RestError(400, code, text);

/** Statuses a task may be created in: 2 pending … 6 deferred (1 "new" is stored as 2). */
const VALID_STATUSES = new Set([1, 2, 3, 4, 5, 6]);

function readTaskId(params: Params): number {
  const raw = params.taskId ?? params.TASKID ?? params.taskid ?? params.id ?? params.ID;
  if (raw === undefined || raw === null || raw === '') {
    throw taskError('100', 'CTaskItem All parameters in the constructor must have real class type (internal error)');
  }
  const id = intval(raw);
  if (id <= 0 || !/^\s*\d+\s*$/.test(String(raw))) throw taskError('0', 'wrong task id');
  return id;
}

function listOfStrings(value: unknown): string[] {
  return (asList(value) ?? (value === undefined || value === null ? [] : [value]))
    .map((v) => scalarString(v))
    .filter((v): v is string => v !== undefined && v !== '');
}

const taskAdd: Handler = (ctx, params) => {
  const fields = pick(params, 'fields');
  if (!isObject(fields) || Object.keys(fields).length === 0) {
    throw taskError('100', 'Could not find value for parameter {fields} (internal error)');
  }
  const { portal } = ctx;
  const errors: string[] = [];
  const title = (scalarString(fields.TITLE) ?? '').trim();
  if (title === '') errors.push('Task title not specified');
  const responsibleId = intval(fields.RESPONSIBLE_ID);
  if (responsibleId <= 0) errors.push('Assignee not specified');
  else if (!portal.users.has(responsibleId)) errors.push('User specified in the "Assignee" field not found');
  const status = fields.STATUS === undefined || fields.STATUS === '' ? 2 : intval(fields.STATUS);
  if (!VALID_STATUSES.has(status) || (typeof fields.STATUS === 'string' && !/^\s*\d+\s*$/.test(fields.STATUS))) {
    errors.push('Invalid status');
  }
  if (errors.length > 0) throw taskError('ERROR_CORE', errors.map((e) => `${e}<br>`).join(''));

  const id = portal.nextId('task');
  const stamp = formatDateTime(ctx.now, portal.offsetMin);
  const creator = portal.users.has(intval(fields.CREATED_BY)) ? intval(fields.CREATED_BY) : ctx.userId;
  const deadline = parseDateInput(scalarString(fields.DEADLINE), portal.offsetMin);
  const finalStatus = status === 1 ? 2 : status;
  const task: Rec = {
    ID: String(id),
    TITLE: title,
    DESCRIPTION: scalarString(fields.DESCRIPTION) ?? '',
    RESPONSIBLE_ID: String(responsibleId),
    CREATED_BY: String(creator),
    STATUS: String(finalStatus),
    PRIORITY: String([0, 1, 2].includes(intval(fields.PRIORITY)) && fields.PRIORITY !== undefined ? intval(fields.PRIORITY) : 1),
    DEADLINE: deadline === undefined ? null : formatDateTime(deadline, portal.offsetMin),
    UF_CRM_TASK: listOfStrings(fields.UF_CRM_TASK),
    XML_ID: scalarString(fields.XML_ID) ?? null,
    GROUP_ID: String(intval(fields.GROUP_ID)),
    PARENT_ID: intval(fields.PARENT_ID) > 0 ? String(intval(fields.PARENT_ID)) : null,
    GUID: `{${randomUUID()}}`,
    CREATED_DATE: stamp,
    CHANGED_BY: String(creator),
    CHANGED_DATE: stamp,
    ACTIVITY_DATE: stamp,
    STATUS_CHANGED_BY: String(creator),
    STATUS_CHANGED_DATE: stamp,
    CLOSED_BY: finalStatus === 5 ? String(creator) : null,
    CLOSED_DATE: finalStatus === 5 ? stamp : null,
  };
  portal.tasks.set(id, task);
  return { result: { task: fullTask(portal, task, false) } };
};

function readSelect(params: Params): string[] | undefined {
  const select = pick(params, 'select');
  if (select === undefined) return undefined;
  const list = asList(select);
  if (!list || list.length === 0) {
    throw taskError('100', 'Invalid value {} to match with parameter {select}. Should be value of type array. (internal error)');
  }
  return list.map((v) => String(v).toUpperCase());
}

function present(ctx: CallContext, task: Rec, select: string[] | undefined): Rec {
  if (!select || select.includes('*')) return fullTask(ctx.portal, task, select !== undefined);
  return selectTask(ctx.portal, task, select);
}

/** A missing or inaccessible task is not an error here: the result is an empty array. */
const taskGet: Handler = (ctx, params) => {
  const id = readTaskId(params);
  const select = readSelect(params);
  const task = ctx.portal.tasks.get(id);
  return { result: task ? { task: present(ctx, task, select) } : [] };
};

const taskComplete: Handler = (ctx, params) => {
  const id = readTaskId(params);
  const current = ctx.portal.tasks.get(id);
  if (!current || current.STATUS === '5') throw taskError('0', 'Action on the task is not allowed');
  const stamp = formatDateTime(ctx.now, ctx.portal.offsetMin);
  const user = String(ctx.userId);
  const task: Rec = {
    ...current, STATUS: '5', CLOSED_BY: user, CLOSED_DATE: stamp, STATUS_CHANGED_BY: user,
    STATUS_CHANGED_DATE: stamp, CHANGED_BY: user, CHANGED_DATE: stamp, ACTIVITY_DATE: stamp,
  };
  ctx.portal.tasks.set(id, task);
  return { result: { task: fullTask(ctx.portal, task, false) } };
};

const TASK_KINDS: Record<string, Kind> = {
  ID: 'int', PARENT_ID: 'int', GROUP_ID: 'int', CREATED_BY: 'int', RESPONSIBLE_ID: 'int', STATUS_CHANGED_BY: 'int',
  PRIORITY: 'int', STATUS: 'int', TITLE: 'string', XML_ID: 'string', UF_CRM_TASK: 'list', GUID: 'string',
  DEADLINE: 'datetime', CREATED_DATE: 'datetime', CLOSED_DATE: 'datetime', CHANGED_DATE: 'datetime', ACTIVITY_DATE: 'datetime',
};
const taskKind = (field: string): Kind | undefined => TASK_KINDS[field];

const SORT_KEYS = new Set([
  'ID', 'TITLE', 'DATE_START', 'CREATED_DATE', 'CHANGED_DATE', 'CLOSED_DATE', 'ACTIVITY_DATE', 'START_DATE_PLAN',
  'END_DATE_PLAN', 'DEADLINE', 'REAL_STATUS', 'STATUS', 'STATUS_COMPLETE', 'PRIORITY', 'MARK', 'CREATED_BY_LAST_NAME',
  'RESPONSIBLE_LAST_NAME', 'GROUP_ID', 'TIME_ESTIMATE', 'ALLOW_CHANGE_DEADLINE', 'ALLOW_TIME_TRACKING', 'MATCH_WORK_TIME',
  'FAVORITE', 'SORTING', 'IS_PINNED', 'IS_PINNED_IN_GROUP',
]);

/**
 * REAL_STATUS is the stored status; STATUS adds meta values (-1 overdue, -2 unviewed, -3 almost
 * overdue) — only "overdue" can happen here. TITLE without a prefix is a LIKE pattern.
 */
function prepareFilter(filter: Params, records: Rec[], now: number): [Params, Rec[]] {
  const out: Params = {};
  let rows = records;
  for (const [key, value] of Object.entries(filter)) {
    const match = /^([!<>=@%]*)(.+)$/.exec(key);
    const [prefix, field] = [match?.[1] ?? '', match?.[2] ?? key];
    if (field === 'STATUS' && intval(value) < 0 && prefix === '') {
      const overdue = (t: Rec) => t.DEADLINE !== null && Date.parse(String(t.DEADLINE)) < now && !['4', '5'].includes(String(t.STATUS));
      rows = intval(value) === -1 ? rows.filter(overdue) : [];
      continue;
    }
    if (field === 'REAL_STATUS') out[`${prefix}STATUS`] = value;
    else if (field === 'TITLE' && prefix === '') out['=%TITLE'] = value;
    else out[key] = value;
  }
  return [out, rows];
}

const taskList: Handler = (ctx, params) => {
  const order = pick(params, 'order');
  const orderList = isObject(order) ? readOrder(order) : [['ID', 'DESC'] as [string, 'ASC' | 'DESC']];
  for (const [field] of orderList) if (!SORT_KEYS.has(field)) throw taskError('0', 'Invalid sorting key (internal error)');
  const mappedOrder = orderList.map(([field, dir]): [string, 'ASC' | 'DESC'] => [field === 'REAL_STATUS' ? 'STATUS' : field, dir]);
  const filter = pick(params, 'filter');
  const offset = ctx.portal.offsetMin;
  const [prepared, rows] = prepareFilter(isObject(filter) ? filter : {}, [...ctx.portal.tasks.values()], ctx.now);
  const matched = applyFilter(rows, prepared, taskKind, offset);
  const sorted = applyOrder(matched, mappedOrder, taskKind, offset);
  const { page, total, next } = paginate(sorted, readStart(params));
  const select = asList(pick(params, 'select'))?.map((v) => String(v).toUpperCase());
  const tasks = page.map((task) => (select && select.length > 0 ? present(ctx, task, select) : fullTask(ctx.portal, task, false)));
  return { result: { tasks }, total, next };
};

export const taskMethods: Record<string, Handler> = {
  'tasks.task.add': taskAdd,
  'tasks.task.get': taskGet,
  'tasks.task.list': taskList,
  'tasks.task.complete': taskComplete,
};
