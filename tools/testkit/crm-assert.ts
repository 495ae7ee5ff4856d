/**
 * Helpers for the end-to-end scenario tests (test/integration/scenario-*.test.ts): run a call
 * through the real path (Kafka → dispatcher → Temporal → activities → sandbox) and read the
 * sandbox's final CRM state for one client number — entities, owners, fields, tasks.
 */
import assert from 'node:assert/strict';
import { callEvents, type CallSpec } from './call-events';
import type { Harness } from './bridge-harness';
import type { CallEvent } from '../../schemas/call-event';
import type { CallResult } from '../../schemas/workflow-io';
import { callStateQuery, callWorkflowId } from '../../workflows/contract';

export type Rec = Record<string, unknown>;

/** Generous: other engineers run tests on the same 2-core machine. */
export const CALL_TIMEOUT_MS = 90_000;

export const STATUS_COMPLETED = '5';
export const STATUS_OPEN = '2';

/** Portal users (tools/testkit/bridge-harness.ts): 1 senior; 7, 8, 9 employees 101, 102, 103. */
export const SENIOR = 1;
export const OLENA = 7;
export const PETRO = 8;
export const IRYNA = 9;

export function digits(value: unknown): string {
  return String(value ?? '').replace(/\D/g, '');
}

/** The phone values of a lead or contact as stored (`[{ID, VALUE_TYPE, VALUE, TYPE_ID}]`). */
export function phonesOf(record: Rec): string[] {
  const list = record.PHONE;
  return Array.isArray(list) ? list.map((entry) => String((entry as Rec).VALUE ?? '')) : [];
}

/** Same person's number whatever the format: the last 9 digits (the Ukrainian national number) agree. */
export function samePhoneNumber(a: string, b: string): boolean {
  const x = digits(a);
  const y = digits(b);
  return x.length >= 9 && y.length >= 9 && x.slice(-9) === y.slice(-9);
}

export function ownerOf(record: Rec | undefined): number {
  return Number(record?.ASSIGNED_BY_ID);
}

export function idOf(record: Rec | undefined): number {
  return Number(record?.ID);
}

/** Bindings of a task as stored: `UF_CRM_TASK` like `['L_5', 'C_2']`, sorted. */
export function bindingsOf(task: Rec): string[] {
  const list = task.UF_CRM_TASK;
  return Array.isArray(list) ? list.map(String).sort() : [];
}

/** What the portal holds for one client number: its leads, contacts, the contacts' deals, and the tasks bound to any of them. */
export interface ClientCrm {
  leads: Rec[];
  contacts: Rec[];
  deals: Rec[];
  /** Tasks bound (UF_CRM_TASK) to any of the entities above. */
  tasks: Rec[];
  /** Every task of the portal, for per-call lookups by XML_ID. */
  allTasks: Rec[];
}

function dealContactIds(deal: Rec): number[] {
  const many = Array.isArray(deal.CONTACT_IDS) ? deal.CONTACT_IDS.map(Number) : [];
  const single = Number(deal.CONTACT_ID);
  return single > 0 && !many.includes(single) ? [...many, single] : many;
}

export function crmFor(h: Harness, projectId: string, clientNumber: string): ClientCrm {
  const state = h.sandbox.admin.state(projectId);
  const leads = state.leads.filter((lead) => phonesOf(lead).some((p) => samePhoneNumber(p, clientNumber)));
  const contacts = state.contacts.filter((contact) => phonesOf(contact).some((p) => samePhoneNumber(p, clientNumber)));
  const contactIds = new Set(contacts.map(idOf));
  const deals = state.deals.filter((deal) => dealContactIds(deal).some((id) => contactIds.has(id)));
  const codes = new Set([
    ...leads.map((l) => `L_${idOf(l)}`), ...contacts.map((c) => `C_${idOf(c)}`), ...deals.map((d) => `D_${idOf(d)}`),
  ]);
  const tasks = state.tasks.filter((task) => bindingsOf(task).some((code) => codes.has(code)));
  return { leads, contacts, deals, tasks, allTasks: state.tasks };
}

/** The tasks one call wrote: their XML_ID is `ringostat-bridge:{projectId}:{callId}:{key}`. */
export function tasksOfCall(crm: Pick<ClientCrm, 'allTasks'>, callId: string): Rec[] {
  return crm.allTasks.filter((task) => String(task.XML_ID ?? '').includes(`:${callId}:`));
}

/** The task of a call with a given key: call-record, review, settings, call-back, contact-owner. */
export function taskOfCall(crm: Pick<ClientCrm, 'allTasks'>, callId: string, key: string): Rec {
  const found = tasksOfCall(crm, callId).filter((task) => String(task.XML_ID).endsWith(`:${callId}:${key}`));
  assert.equal(found.length, 1, `exactly one "${key}" task of call ${callId}; the call's tasks: ${describeTasks(tasksOfCall(crm, callId))}`);
  return found[0] as Rec;
}

export function describeTasks(tasks: Rec[]): string {
  if (tasks.length === 0) return '(none)';
  return tasks.map((t) => `#${String(t.ID)} ${String(t.XML_ID ?? '').split(':').pop()} on ${String(t.RESPONSIBLE_ID)} status ${String(t.STATUS)} [${bindingsOf(t).join(',')}] "${String(t.TITLE)}"`).join('; ');
}

export interface TaskExpectation {
  responsible?: number;
  status?: 'completed' | 'open';
  /** The exact set of UF_CRM_TASK codes. */
  bindings?: string[];
  titleMatches?: RegExp;
  descriptionIncludes?: string[];
}

export function assertTask(task: Rec, expected: TaskExpectation, label = 'task'): void {
  const where = `${label}: ${describeTasks([task])}`;
  if (expected.responsible !== undefined) assert.equal(Number(task.RESPONSIBLE_ID), expected.responsible, `${where}: RESPONSIBLE_ID`);
  if (expected.status !== undefined) {
    assert.equal(String(task.STATUS), expected.status === 'completed' ? STATUS_COMPLETED : STATUS_OPEN, `${where}: STATUS`);
  }
  if (expected.bindings !== undefined) assert.deepEqual(bindingsOf(task), [...expected.bindings].sort(), `${where}: UF_CRM_TASK`);
  if (expected.titleMatches !== undefined) assert.match(String(task.TITLE), expected.titleMatches, `${where}: TITLE`);
  for (const text of expected.descriptionIncludes ?? []) {
    assert.ok(String(task.DESCRIPTION ?? '').includes(text), `${where}: DESCRIPTION should contain "${text}", is:\n${String(task.DESCRIPTION)}`);
  }
}

/** The only element of a list, with a readable failure. */
export function only<T>(list: T[], what: string): T {
  assert.equal(list.length, 1, `exactly one ${what}, found ${list.length}: ${JSON.stringify(list.map((r) => (r as Rec).ID ?? r))}`);
  return list[0] as T;
}

export interface CallRun {
  callId: string;
  events: CallEvent[];
  result: CallResult;
  crm: ClientCrm;
}

/** Publishes a whole call, waits for its workflow to complete and reads the client's CRM. */
export async function runCall(h: Harness, spec: CallSpec & { clientNumber: string }): Promise<CallRun> {
  const events = callEvents(spec);
  return runEvents(h, spec.projectId, spec.clientNumber, events);
}

/** Same as runCall, for events built (or edited) by the test. */
export async function runEvents(h: Harness, projectId: string, clientNumber: string, events: CallEvent[]): Promise<CallRun> {
  const callId = (events[0] as CallEvent).callId;
  await h.publish(events);
  const result = await h.callResult(projectId, callId, CALL_TIMEOUT_MS);
  assert.equal(result.phase, 'completed', `call ${callId} completed`);
  return { callId, events, result, crm: crmFor(h, projectId, clientNumber) };
}

/** Polls `probe` until it returns something other than undefined / false. */
export async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 60_000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** The live phase of a call's workflow (undefined while the workflow does not exist yet). */
export async function callPhase(h: Harness, projectId: string, callId: string): Promise<string | undefined> {
  try {
    const state = await h.bridge.temporal.workflow.getHandle(callWorkflowId(projectId, callId)).query(callStateQuery);
    return state.phase;
  } catch (err) {
    if ((err as Error).name === 'WorkflowNotFoundError') return undefined;
    throw err;
  }
}

/** Nothing at all for this number: no lead, contact, deal, or task of the call. */
export function assertNothingWritten(run: CallRun): void {
  assert.deepEqual(run.crm.leads.map(idOf), [], 'no lead');
  assert.deepEqual(run.crm.contacts.map(idOf), [], 'no contact');
  assert.deepEqual(run.crm.deals.map(idOf), [], 'no deal');
  assert.equal(tasksOfCall(run.crm, run.callId).length, 0, `no task of the call: ${describeTasks(tasksOfCall(run.crm, run.callId))}`);
  assert.deepEqual(run.result.taskIds, {}, 'no task ids in the result');
}

/** A phone as the bridge writes it: one WORK entry in E.164. */
export function assertE164Phone(record: Rec, e164: string, what: string): void {
  assert.deepEqual(phonesOf(record), [e164], `${what} PHONE in E.164`);
}
