// FROZEN COPY for version 1 (workflows/legacy/): copied from decisions/call-tasks.ts at commit 41a79f2 (issue 16),
// when version 1 was frozen. Version-1 workflows still running replay on this code and act on what it
// decides, so it never changes, and it deliberately duplicates live code: do not "dedupe" it back
// onto decisions/call-tasks.ts (an edit there would change what version-1 calls do). See docs/upgrades.md.
import type { CallFacts, CrmBindings, TaskPlan } from '../../../../schemas/crm-plan';
import type { Employee } from '../../../../schemas/project-config';
import { addHours, callDescription, recordTitle, statusText } from './call-text';
import { describeLine } from './line-binding';
import type { DecisionProject } from './types';

/** What every task of one call shares: the facts, the project and the employee E (if bound). */
export interface TaskContext {
  facts: CallFacts;
  project: DecisionProject;
  employee: Employee | undefined;
}

/** Tasks are immutable plan values; each binding set is copied so one task never aliases another. */
function task(key: TaskPlan['key'], responsibleId: number, status: TaskPlan['status'], title: string, description: string, bindings: CrmBindings): TaskPlan {
  return { key, responsibleId, status, title, description, bindings: { ...bindings } };
}

/** The call record (S1.4, S2.2, S5.1): completed when the responsible took the call himself. */
export function callRecord(ctx: TaskContext, responsibleId: number, status: TaskPlan['status'], bindings: CrmBindings): TaskPlan {
  const details = callDescription(ctx.facts, ctx.employee);
  const note = status === 'open' ? 'A colleague took this call from your client: listen to the recording and follow up.\n\n' : '';
  return task('call-record', responsibleId, status, recordTitle(ctx.facts), note + details, bindings);
}

/** S2.3: R reviews what a colleague said to R's client. */
export function reviewTask(ctx: TaskContext, ownerId: number, bindings: CrmBindings): TaskPlan {
  const who = ctx.employee?.name ?? 'A colleague';
  return task('review', ownerId, 'open', `Review the call your colleague took: ${ctx.facts.clientNumber}`,
    `${who} answered a call from your client. Listen to the recording and follow up.\n\n${callDescription(ctx.facts, ctx.employee)}`, bindings);
}

/** M4 c, S1.5, S2.4: the call was taken on a line bound to no employee; S fixes the config. */
export function settingsTask(ctx: TaskContext, bindings: CrmBindings): TaskPlan {
  const line = describeLine(ctx.facts.employee, ctx.facts.lineNumber);
  const why = `The call from ${ctx.facts.clientNumber} in project ${ctx.project.id} was taken on ${line}, `
    + 'which matches no employee\'s staff code, extension, SIP login or phone. Bind it to an employee in the '
    + 'integration config (M2); until then its calls go to the senior manager.';
  return task('settings', ctx.project.seniorManager, 'open',
    `Line ${line} is not bound to an employee: check the integration settings`, `${why}\n\n${callDescription(ctx.facts)}`, bindings);
}

/** S4, S6: a missed call or a voicemail to return, with the voicemail link when there is one. */
export function callBackTask(ctx: TaskContext, responsibleId: number, bindings: CrmBindings): TaskPlan {
  const { facts } = ctx;
  const voicemail = facts.disposition === 'voicemail';
  const title = voicemail ? `Call the client back: voicemail from ${facts.clientNumber}` : `Call the client back: ${facts.clientNumber}`;
  const why = voicemail
    ? `The client left a voicemail${facts.recordingUrl ? `: ${facts.recordingUrl}` : ''}. Call the client back.`
    : `Missed call (${statusText(facts)}). Call the client back.`;
  return task('call-back', responsibleId, 'open', title, `${why}\n\n${callDescription(facts)}`, bindings);
}

/** S3.2: the contact's owner hears that a colleague took a call and a new lead/deal; due after `hours`. */
export function contactOwnerTask(ctx: TaskContext, ownerId: number, contactId: number): TaskPlan {
  const { facts } = ctx;
  const hours = ctx.project.scenario.contactOwnerTaskHours;
  const who = ctx.employee?.name ?? 'A colleague';
  const planned = task('contact-owner', ownerId, 'open', `Your contact ${facts.clientNumber} called: follow up`,
    `${who} took a call from your contact, and a new lead/deal was opened for it. Check in with the client and your colleague.\n\n${callDescription(facts, ctx.employee)}`,
    { contactId });
  return { ...planned, deadline: addHours(facts.endedAt ?? facts.startedAt, hours) };
}
