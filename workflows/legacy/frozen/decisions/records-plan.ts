// FROZEN COPY for version 1 (workflows/legacy/): copied from decisions/records-plan.ts at commit 41a79f2 (issue 16),
// when version 1 was frozen. Version-1 workflows still running replay on this code and act on what it
// decides, so it never changes, and it deliberately duplicates live code: do not "dedupe" it back
// onto decisions/records-plan.ts (an edit there would change what version-1 calls do). See docs/upgrades.md.
import type { CallFacts, ClientState, CrmBindings, RecordsPlan, TaskPlan } from '../../../../schemas/crm-plan';
import type { Scenario } from '../../../../schemas/project-config';
import { skippedOutcome, type CallOutcome } from './call-outcome';
import { callBackTask, callRecord, contactOwnerTask, reviewTask, settingsTask, type TaskContext } from './call-tasks';
import { noLeadForContact } from './entity-plan';
import { findEmployee } from './line-binding';
import { skipReason } from './skip-rules';
import type { DecisionProject } from './types';

export interface RecordsPlanInput {
  /** Facts after call.ended (or as the workflow closed the call): disposition set. */
  facts: CallFacts;
  client: ClientState;
  project: DecisionProject;
  /** What this call created, at whichever stage: tasks bind to it. */
  created: CrmBindings;
  /** M for a missed / voicemail call from a new client; the senior manager when absent. */
  missedAssigneeId?: number;
}

/** The outcome of a new client's call is named after the main entity the scenario creates. */
function createdOutcome(scenario: Scenario): CallOutcome {
  if (scenario.entities === 'deal+contact') return 'deal-created';
  return scenario.entities === 'contact' ? 'contact-created' : 'lead-created';
}

/** The client's entity (Open: the lead/deal; Contact: the contact) plus what the call created. */
export function callBindings(client: ClientState | undefined, created: CrmBindings): CrmBindings {
  const own: CrmBindings = !client ? {} : client.kind === 'open'
    ? (client.entity.type === 'lead' ? { leadId: client.entity.id } : { dealId: client.entity.id })
    : client.kind === 'contact' ? { contactId: client.contact.id } : {};
  const bindings: CrmBindings = { ...own };
  if (created.leadId !== undefined) bindings.leadId = created.leadId;
  if (created.dealId !== undefined) bindings.dealId = created.dealId;
  if (created.contactId !== undefined) bindings.contactId = created.contactId;
  return bindings;
}

function ownerOf(client: Exclude<ClientState, { kind: 'new' }>): number {
  return client.kind === 'open' ? client.entity.ownerId : client.contact.ownerId;
}

/** Incoming / callback, answered: S1.4–S1.5, S2.1–S2.4, S3.1–S3.3. */
function answered(ctx: TaskContext, input: RecordsPlanInput, bindings: CrmBindings): RecordsPlan {
  const { client, project } = input;
  const e = ctx.employee?.bitrix24UserId;
  const settings = e === undefined ? [settingsTask(ctx, bindings)] : [];
  if (client.kind === 'new') {
    return { tasks: [callRecord(ctx, e ?? project.seniorManager, 'completed', bindings), ...settings], outcome: createdOutcome(project.scenario) };
  }
  const r = ownerOf(client);
  if (client.kind === 'contact' && noLeadForContact(project.scenario)) {
    // S3.3: one record on R, whoever answered; completed only if R took the call himself.
    return { tasks: [callRecord(ctx, r, e === r ? 'completed' : 'open', bindings), ...settings], outcome: 'task-on-contact' };
  }
  const outcome: CallOutcome = client.kind === 'open' ? 'task-on-existing'
    : project.scenario.entities === 'deal+contact' ? 'deal-on-contact' : 'lead-on-contact';
  if (e === undefined || e === r) return { tasks: [callRecord(ctx, r, 'completed', bindings), ...settings], outcome };
  const followUp: TaskPlan = client.kind === 'open' ? reviewTask(ctx, r, bindings) : contactOwnerTask(ctx, r, client.contact.id);
  return { tasks: [callRecord(ctx, e, 'completed', bindings), followUp], outcome };
}

/** Incoming / callback, not answered or voicemail: S4.1–S4.2, S6.1–S6.2. */
function missed(ctx: TaskContext, input: RecordsPlanInput, bindings: CrmBindings): RecordsPlan {
  const { client, project } = input;
  if (client.kind === 'new') {
    const m = input.missedAssigneeId ?? project.seniorManager;
    return { tasks: [callBackTask(ctx, m, bindings)], outcome: createdOutcome(project.scenario) };
  }
  return { tasks: [callBackTask(ctx, ownerOf(client), bindings)], outcome: 'callback-task' };
}

/** Outgoing, any outcome: S5.1–S5.3. Never creates; the record goes to whoever dialled (S if unbound). */
function outgoing(ctx: TaskContext, input: RecordsPlanInput, bindings: CrmBindings): RecordsPlan {
  const { client, project } = input;
  if (client.kind === 'new') return { tasks: [], outcome: 'nothing-outgoing-new' };
  const responsible = ctx.employee?.bitrix24UserId ?? project.seniorManager;
  return { tasks: [callRecord(ctx, responsible, 'completed', bindings)], outcome: client.kind === 'open' ? 'task-on-existing' : 'task-on-contact' };
}

/**
 * The call records and open tasks of a finished call (docs/decisions.md, both tables), with the
 * CallOutcome naming what was written. Task keys are unique within a call (exactly-once markers).
 */
export function planRecords(input: RecordsPlanInput): RecordsPlan {
  const { facts, client, project } = input;
  const skip = skipReason(facts);
  if (skip) return { tasks: [], outcome: skippedOutcome(skip) };
  const ctx: TaskContext = { facts, project, employee: findEmployee(project, facts.employee) };
  const bindings = callBindings(client, input.created);
  if (facts.direction === 'outgoing') return outgoing(ctx, input, bindings);
  return facts.disposition === 'answered' ? answered(ctx, input, bindings) : missed(ctx, input, bindings);
}

