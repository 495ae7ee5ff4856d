// Frozen (version 1): the code of workflows started before version 2. Running ones replay on it,
// so it must not change; new calls run workflows/call-workflow.ts. See docs/upgrades.md.
import {
  condition, log, setHandler, upsertSearchAttributes, workflowInfo,
} from '@temporalio/workflow';
import { classifyClient, creationDueAt, factsFromEvents, planEntities, planRecords, skipReason, type CallStage } from '../../decisions';
import type { CallFacts, ClientState, CrmBindings } from '../../schemas/crm-plan';
import type { CallEventEnvelope, CallPhase, CallResult, CallWorkflowInput, ProjectSettings } from '../../schemas/workflow-io';
import { crm, local } from './activity-proxies-v1';
import { failureMessage, failureType } from '../failure-type';
import { callEventSignal, callStateQuery, clientLockGrantedSignal, resumeSignal, skipParkedSignal } from '../messages';
import { CallOutcomeKey, CallPhaseKey, ClientNumberKey } from '../search-attributes';

/** A call with no event for this long is closed with what it has (Ringostat may never send call.ended). */
const DEFAULT_IDLE_TIMEOUT_MS = 2 * 60 * 60 * 1000;
/** A parked call checks the credentials itself this often, in case the resume signal was missed. */
const PARKED_RECHECK = '1 hour';
/** How long to wait for the per-number lock before asking for it again. */
const LOCK_WAIT = '15 minutes';

class CallSkipped extends Error {}

/**
 * The call's actor: folds its events (any order, duplicates, missing ones), runs
 * ringing → answered / missed / voicemail → completed, and writes the CRM work the decision
 * table asks for, exactly once. Parks when the Bitrix24 token is invalid (T1).
 */
export async function callWorkflow(input: CallWorkflowInput): Promise<CallResult> {
  const envelopes: CallEventEnvelope[] = [];
  const seen = new Set<string>();
  let phase: CallPhase = 'ringing';
  let grantedLock: string | undefined;
  let resumeRequested = false;
  let skipRequested: string | undefined;
  const result: CallResult = {
    projectId: input.projectId, callId: input.callId, phase, outcome: 'pending',
    crm: {}, taskIds: {}, failures: [], eventsSeen: 0,
  };

  setHandler(callEventSignal, (envelope) => {
    if (seen.has(envelope.event.eventId)) return;
    seen.add(envelope.event.eventId);
    envelopes.push(envelope);
    result.eventsSeen = envelopes.length;
  });
  setHandler(callStateQuery, () => ({ phase, result }));
  setHandler(clientLockGrantedSignal, ({ lockId }) => { grantedLock = lockId; });
  setHandler(resumeSignal, () => { resumeRequested = true; });
  setHandler(skipParkedSignal, ({ reason }) => { skipRequested = reason; });

  const setPhase = (next: CallPhase) => {
    if (next === phase) return;
    phase = next;
    result.phase = next;
    upsertSearchAttributes([{ key: CallPhaseKey, value: next }]);
  };
  const setOutcome = (outcome: string) => {
    result.outcome = outcome;
    upsertSearchAttributes([{ key: CallOutcomeKey, value: outcome }]);
  };

  const idleTimeout = input.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  if (!(await condition(() => envelopes.length > 0, idleTimeout))) {
    setOutcome('no-events');
    setPhase('completed');
    return result;
  }
  const e164 = (envelopes[0] as CallEventEnvelope).clientE164;
  upsertSearchAttributes([{ key: ClientNumberKey, value: e164 }, { key: CallPhaseKey, value: phase }]);
  const settings: ProjectSettings = await local.loadProjectSettings(input.projectId);

  /** Parks until reactivation; false when the operator chose not to resend (T4). */
  async function park(): Promise<boolean> {
    const before = phase;
    setPhase('parked');
    resumeRequested = false;
    for (;;) {
      if (await condition(() => resumeRequested || skipRequested !== undefined, PARKED_RECHECK)) break;
      const status = await local.credentialsStatus({ projectId: input.projectId });
      if (status.status === 'active') break;
    }
    if (skipRequested !== undefined) throw new CallSkipped(skipRequested);
    setPhase(before);
    return true;
  }

  /** Runs one CRM step: parks and retries on an invalid token; records any other permanent failure (R3). */
  async function step<T>(name: string, run: () => Promise<T>): Promise<T | undefined> {
    for (;;) {
      try {
        return await run();
      } catch (err) {
        const type = failureType(err);
        if (type === 'BitrixTokenInvalid') {
          await park();
          continue;
        }
        if (type === undefined) throw err;
        result.failures.push({ step: name, type, message: failureMessage(err) });
        log.warn('CRM step failed for good', { step: name, type });
        return undefined;
      }
    }
  }

  let lockRound = 0;
  /** B2: the client's lookup and new entities happen under the per-number lock. */
  async function underClientLock<T>(run: () => Promise<T>): Promise<T> {
    const holder = `${workflowInfo().workflowId}#${++lockRound}`;
    const lock = { projectId: input.projectId, e164, holder };
    // Asking again is harmless (the lock queues a holder once) and covers a lost grant.
    do await local.requestClientLock(lock);
    while (!(await condition(() => grantedLock === holder, LOCK_WAIT)));
    try {
      return await run();
    } finally {
      await local.releaseClientLock(lock);
    }
  }

  let client: ClientState | undefined;
  let created: CrmBindings = {};
  let entitiesDone = false;

  let roundRobinPick: number | undefined;
  /** M (S4.2): drawn once per call, so its new entity and its call-back task go to the same person. */
  async function missedAssignee(facts: CallFacts, state: ClientState): Promise<number | undefined> {
    const pool = settings.employees.filter((e) => e.missedCallDistribution);
    const missed = facts.disposition !== undefined && facts.disposition !== 'answered';
    if (settings.scenario.missedNewClientAssignee !== 'round-robin' || state.kind !== 'new' || !missed || pool.length === 0) return undefined;
    roundRobinPick ??= pool[(await local.nextRoundRobin({ projectId: input.projectId, size: pool.length })) % pool.length]?.bitrix24UserId;
    return roundRobinPick;
  }

  async function resolveClient(facts: CallFacts, stage: CallStage): Promise<void> {
    await step('resolve-client', () => underClientLock(async () => {
      const state = client ?? classifyClient(await crm.lookupClient({ projectId: input.projectId, e164 }), settings.routing.order);
      client = state;
      const plan = planEntities({ facts, client: state, project: settings, stage, created, missedAssigneeId: await missedAssignee(facts, state) });
      if (plan.create) {
        created = { ...created, ...(await crm.createEntities({ projectId: input.projectId, callId: input.callId, plan: plan.create })) };
        result.createdLeadId = created.leadId;
        result.createdDealId = created.dealId;
        result.createdContactId = created.contactId;
      }
      if (plan.fillEmpty.length > 0) {
        result.failures.push(...(await crm.fillEmptyFields({ projectId: input.projectId, fills: plan.fillEmpty })));
      }
      // The first stage at which creation is due is the call's one creation moment.
      entitiesDone = true;
    }));
  }

  const folded = () => factsFromEvents(envelopes.map((e) => e.event), e164);
  const answeredSeen = () => envelopes.some((e) => e.event.type === 'call.answered');

  try {
    let processed = 0;
    let facts = folded();
    for (;;) {
      processed = envelopes.length;
      facts = folded();
      const skipped = skipReason(facts);
      if (skipped) {
        setOutcome(`skipped-${skipped}`);
        setPhase('completed');
        return result;
      }
      const stage: CallStage = facts.disposition ? 'ended' : answeredSeen() ? 'answered' : 'ringing';
      if (stage === 'answered') setPhase('answered');
      if (!entitiesDone && creationDueAt(stage, settings.scenario, facts.direction)) await resolveClient(facts, stage);
      if (stage === 'ended') break;
      if (!(await condition(() => envelopes.length > processed, idleTimeout))) {
        // Never ended: close it as answered or missed by what we saw.
        facts = { ...facts, disposition: answeredSeen() ? 'answered' : 'no_answer', endedAt: facts.endedAt ?? facts.startedAt };
        if (!entitiesDone) await resolveClient(facts, 'ended');
        break;
      }
    }

    setPhase(facts.disposition === 'answered' ? 'answered' : facts.disposition === 'voicemail' ? 'voicemail' : 'missed');
    const records = client
      ? planRecords({ facts, client, project: settings, created, missedAssigneeId: await missedAssignee(facts, client) })
      : undefined;
    if (records && records.tasks.length > 0) {
      const written = await step('create-tasks', () => crm.createTasks({ projectId: input.projectId, callId: input.callId, tasks: records.tasks }));
      if (written) {
        result.taskIds = written.taskIds;
        result.failures.push(...written.failures);
      }
    }
    result.crm = { ...bindingsOf(client), ...created };
    setOutcome(records?.outcome ?? (result.failures.length > 0 ? 'failed' : 'nothing-written'));
  } catch (err) {
    if (!(err instanceof CallSkipped)) throw err;
    setOutcome('skipped-not-resent');
  }
  setPhase('completed');
  return result;
}

function bindingsOf(client: ClientState | undefined): CrmBindings {
  if (!client || client.kind === 'new') return {};
  if (client.kind === 'contact') return { contactId: client.contact.id };
  const entity = client.entity.type === 'lead' ? { leadId: client.entity.id } : { dealId: client.entity.id };
  return client.contactId ? { ...entity, contactId: client.contactId } : entity;
}
