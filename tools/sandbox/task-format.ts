/**
 * Tasks are written with UPPERCASE field names and read back in camelCase with string values
 * (research §6): `RESPONSIBLE_ID: 1` in, `"responsibleId": "1"` out. The stored record keeps
 * the input names, so state() reads like the request that made it.
 */
import type { Portal } from './portal';
import type { Rec } from './types';

export function camel(name: string): string {
  return name.toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

const s = (value: unknown): string | null => (value === null || value === undefined ? null : String(value));

function userCard(portal: Portal, id: unknown): Rec {
  const user = portal.users.get(Number(id));
  const name = user ? [user.name, user.lastName].filter(Boolean).join(' ') : '';
  return { id: s(id), name, link: `/company/personal/user/${String(id)}/`, icon: '/bitrix/images/tasks/default_avatar.png', workPosition: '' };
}

/** Empty multiple user fields come back as `false` from the tasks module, not as []. */
function ufList(value: unknown): string[] | false {
  return Array.isArray(value) && value.length > 0 ? value.map(String) : false;
}

/** The full task object that add/get/complete return (the docs' sample, minus the checklist tree). */
export function fullTask(portal: Portal, task: Rec, withUf: boolean): Rec {
  const status = String(task.STATUS);
  const out: Rec = {
    id: s(task.ID), parentId: s(task.PARENT_ID), title: s(task.TITLE), description: s(task.DESCRIPTION) ?? '',
    mark: null, priority: s(task.PRIORITY), multitask: 'N', notViewed: 'N', replicate: 'N', stageId: '0',
    createdBy: s(task.CREATED_BY), createdDate: s(task.CREATED_DATE), responsibleId: s(task.RESPONSIBLE_ID),
    changedBy: s(task.CHANGED_BY), changedDate: s(task.CHANGED_DATE), statusChangedBy: s(task.STATUS_CHANGED_BY),
    closedBy: s(task.CLOSED_BY), closedDate: s(task.CLOSED_DATE), activityDate: s(task.ACTIVITY_DATE),
    dateStart: null, deadline: s(task.DEADLINE), startDatePlan: null, endDatePlan: null, guid: s(task.GUID),
    xmlId: s(task.XML_ID), commentsCount: null, serviceCommentsCount: null, allowChangeDeadline: 'N',
    allowTimeTracking: 'N', taskControl: 'N', addInReport: 'N', forkedByTemplateId: null, timeEstimate: '0',
    timeSpentInLogs: null, matchWorkTime: 'N', forumTopicId: null, forumId: null, siteId: 's1', subordinate: 'Y',
    exchangeModified: null, exchangeId: null, outlookVersion: '1', viewedDate: null, sorting: null, durationFact: null,
    isMuted: 'N', isPinned: 'N', isPinnedInGroup: 'N', flowId: null, descriptionInBbcode: 'Y',
    status, statusChangedDate: s(task.STATUS_CHANGED_DATE), durationPlan: null, durationType: 'days', favorite: 'N',
    groupId: s(task.GROUP_ID) ?? '0', auditors: [], accomplices: [], checklist: [], group: [],
    creator: userCard(portal, task.CREATED_BY), responsible: userCard(portal, task.RESPONSIBLE_ID),
    accomplicesData: [], auditorsData: [], newCommentsCount: 0,
    action: { accept: false, decline: false, complete: status !== '5', approve: false, disapprove: false, start: status === '2',
      pause: status === '3', delegate: true, remove: true, edit: true, defer: status !== '5', renew: status === '5', create: true,
      changeDeadline: true, checklistAddItems: true, addFavorite: true, deleteFavorite: false, rate: true },
  };
  if (withUf) out.ufCrmTask = ufList(task.UF_CRM_TASK);
  return out;
}

/**
 * A `select`ed view for tasks.task.list / get: the named fields (UPPERCASE names, as the docs
 * write them), always with `id`; STATUS also brings `subStatus`.
 */
export function selectTask(portal: Portal, task: Rec, select: string[]): Rec {
  const full = fullTask(portal, task, true);
  const out: Rec = { id: full.id };
  for (const raw of select) {
    const name = raw.toUpperCase();
    if (name === 'STATUS' || name === 'REAL_STATUS') {
      out.status = full.status;
      if (name === 'STATUS') out.subStatus = full.status;
      continue;
    }
    const key = camel(name);
    if (key in full) out[key] = full[key];
  }
  return out;
}
