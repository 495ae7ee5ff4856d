// Frozen (version 1): the code of workflows started before version 2. Running ones replay on it,
// so what it does must not change; it imports only workflows/legacy/ (its own frozen copy of the
// call actor and decisions/ in ./frozen), workflows/contract/ and schemas/ types (eslint.config.mjs).
// New calls run workflows/call-workflow.ts. See docs/upgrades.md.
import {
  condition, setHandler, upsertSearchAttributes, workflowInfo,
} from '@temporalio/workflow';
import {
  classifyClient, endedPhase, finalOutcome, missedCallAssignee, missedCallPool, NO_EVENTS_OUTCOME, NOT_RESENT_OUTCOME, planEntities,
  planRecords, roundRobinApplies, skippedOutcome, type CallStage,
} from './frozen/decisions';
import type { CallFacts, ClientState, CrmBindings } from '../../schemas/crm-plan';
import type { CallEventEnvelope, CallPhase, CallResult, CallWorkflowInput, ProjectSettings } from '../../schemas/workflow-io';
import { crm, local } from './activity-proxies-v1';
import {
  CallSkipped, DEFAULT_IDLE_TIMEOUT_MS, followCall, newCallResult, receiveCallEvents, runStep, waitWhileParked,
} from './frozen/call-actor';
import { CallOutcomeKey, CallPhaseKey, callStateQuery, clientLockGrantedSignal, ClientNumberKey, resumeSignal, skipParkedSignal } from '../contract';

/** How long to wait for the per-number lock before asking for it again. */
const LOCK_WAIT = '15 minutes';

/**
 * The call's actor: folds its events (any order, duplicates, missing ones), runs
 * ringing → answered / missed / voicemail → completed, and writes the CRM work the decision
 * table asks for, exactly once. Parks when the Bitrix24 token is invalid (T1).
 */
export async function callWorkflow(input: CallWorkflowInput): Promise<CallResult> {
  let phase: CallPhase = 'ringing';
  let grantedLock: string | undefined;
  let resumeRequested = false;
  let skipRequested: string | undefined;
  const result = newCallResult(input);

  const envelopes = receiveCallEvents(result);
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
    setOutcome(NO_EVENTS_OUTCOME);
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
    await waitWhileParked(() => resumeRequested || skipRequested !== undefined, () => local.credentialsStatus({ projectId: input.projectId }));
    if (skipRequested !== undefined) throw new CallSkipped(skipRequested);
    setPhase(before);
    return true;
  }

  /** Runs one CRM step: parks and retries on an invalid token; records any other permanent failure (R3). */
  const step = <T>(name: string, run: () => Promise<T>): Promise<T | undefined> => runStep(result, name, () => park(), run);

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
    if (!roundRobinApplies(settings, state, facts)) return undefined;
    roundRobinPick ??= missedCallAssignee(settings, await local.nextRoundRobin({ projectId: input.projectId, size: missedCallPool(settings).length }));
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

  try {
    const followed = await followCall({
      envelopes, e164, scenario: settings.scenario, entitiesDone: () => entitiesDone, resolveClient, answered: () => setPhase('answered'),
      nextEvent: (processed) => condition(() => envelopes.length > processed, idleTimeout),
    });
    if ('skipped' in followed) {
      setOutcome(skippedOutcome(followed.skipped));
      setPhase('completed');
      return result;
    }
    const { facts } = followed;
    setPhase(endedPhase(facts));
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
    setOutcome(finalOutcome(records, result.failures));
  } catch (err) {
    if (!(err instanceof CallSkipped)) throw err;
    setOutcome(NOT_RESENT_OUTCOME);
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
