import {
  condition, log, metricMeter, setCurrentDetails, setHandler, sleep, upsertSearchAttributes,
} from '@temporalio/workflow';
import {
  callBindings, callStage, callSummary, clientOwnerId, closeNeverEnded, creationDueAt, endedPhase, factsFromEvents, planRecords, roundRobinApplies, skipReason, type CallStage,
} from '../decisions';
import type { ResolvedClient } from '../schemas/activity-io';
import type { CallFacts, ClientState, CrmBindings } from '../schemas/crm-plan';
import type { CallEventEnvelope, CallPhase, CallResult, CallWorkflowInput, ProjectSettings } from '../schemas/workflow-io';
import { crm, CRM_ACTIVITY_OPTIONS, local } from './activity-proxies';
import { failureMessage, failureType } from './failure-type';
import { callEventSignal, callStateQuery, resumeSignal, skipParkedSignal } from './messages';
import { CallOutcomeKey, CallPhaseKey } from './search-attributes';

/** A call with no event for this long is closed with what it has (Ringostat may never send call.ended). */
const DEFAULT_IDLE_TIMEOUT_MS = 2 * 60 * 60 * 1000;
/** A parked call checks the credentials itself this often, in case the resume signal was missed. */
const PARKED_RECHECK = '1 hour';

const callsCompleted = metricMeter.createCounter('ringostat_calls_completed', 'calls', 'Calls completed, by project and outcome');
const callParks = metricMeter.createCounter('ringostat_call_parks', 'parks', 'Times a call parked on an invalid Bitrix24 token');

class CallSkipped extends Error {}

/**
 * The call's actor (version 2): folds its events (any order, duplicates, missing ones), runs
 * ringing → answered / missed / voicemail → completed, and writes the CRM work the decision
 * table asks for, exactly once. Parks when the Bitrix24 token is invalid (T1).
 *
 * What it costs above the minimal design (REQUIREMENTS §8, P7), each for a reason: one local
 * activity for the settings; one activity when the client is resolved (so the lead exists while
 * the manager talks, S1.1); one idle timer for the whole call; a search-attribute upsert when the
 * call is answered and one when it ends (operators find calls by phase and outcome, B4).
 */
export async function callWorkflowV2(input: CallWorkflowInput): Promise<CallResult> {
  const envelopes: CallEventEnvelope[] = [];
  const seen = new Set<string>();
  let phase: CallPhase = 'ringing';
  let resumedVersion = 0;
  let resumeRequested = false;
  let skipRequested: string | undefined;
  let lastEventAt = Date.now();
  const result: CallResult = {
    projectId: input.projectId, callId: input.callId, phase, outcome: 'pending',
    crm: {}, taskIds: {}, failures: [], eventsSeen: 0,
  };

  setHandler(callEventSignal, (envelope) => {
    if (seen.has(envelope.event.eventId)) return;
    seen.add(envelope.event.eventId);
    envelopes.push(envelope);
    lastEventAt = Date.now();
    result.eventsSeen = envelopes.length;
  });
  setHandler(callStateQuery, () => ({ phase, result }));
  setHandler(resumeSignal, ({ credentialsVersion }) => {
    resumeRequested = true;
    resumedVersion = Math.max(resumedVersion, credentialsVersion);
  });
  setHandler(skipParkedSignal, ({ reason }) => { skipRequested = reason; });

  // The summary names employees once the settings are loaded.
  const known: { settings?: ProjectSettings } = {};
  const describe = () => setCurrentDetails(callSummary(envelopes.map((e) => e.event), phase, result, known.settings));
  const setPhase = (next: CallPhase, outcome?: string) => {
    if (outcome !== undefined) result.outcome = outcome;
    if (next === phase && outcome === undefined) return;
    phase = next;
    result.phase = next;
    upsertSearchAttributes([{ key: CallPhaseKey, value: next }, ...(outcome !== undefined ? [{ key: CallOutcomeKey, value: outcome }] : [])]);
    describe();
  };

  // One timer for the whole call, re-armed only when events kept coming: a call costs one timer, not one per wait.
  const idleTimeout = input.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  let idle = false;
  const armIdleTimer = (ms: number): void => {
    void sleep(ms).then(() => {
      const left = lastEventAt + idleTimeout - Date.now();
      if (left > 0) armIdleTimer(left);
      else idle = true;
    });
  };
  armIdleTimer(idleTimeout);
  const nextEvent = async (processed: number) => {
    await condition(() => envelopes.length > processed || idle);
    return envelopes.length > processed;
  };

  if (!(await nextEvent(0))) {
    setPhase('completed', 'no-events');
    return result;
  }
  const e164 = (envelopes[0] as CallEventEnvelope).clientE164;
  const settings = await local.loadProjectSettings(input.projectId);
  known.settings = settings;
  describe();

  /** Parks until reactivation (T1); throws CallSkipped when the operator chose not to resend (T4). */
  async function park(resumeTo: CallPhase): Promise<void> {
    setPhase('parked');
    callParks.add(1, { project: input.projectId });
    resumeRequested = false;
    for (;;) {
      if (await condition(() => resumeRequested || skipRequested !== undefined, PARKED_RECHECK)) break;
      const status = await local.credentialsStatus({ projectId: input.projectId });
      if (status.status === 'active') {
        resumedVersion = Math.max(resumedVersion, status.version);
        break;
      }
    }
    if (skipRequested !== undefined) throw new CallSkipped(skipRequested);
    setPhase(resumeTo);
  }

  /** Runs one CRM step: parks and retries on an invalid token; records any other permanent failure (R3). */
  async function step<T>(name: string, resumeTo: () => CallPhase, run: () => Promise<T>): Promise<T | undefined> {
    for (;;) {
      try {
        return await run();
      } catch (err) {
        const type = failureType(err);
        if (type === 'BitrixTokenInvalid') {
          await park(resumeTo());
          continue;
        }
        if (type === undefined) throw err;
        result.failures.push({ step: name, type, message: failureMessage(err) });
        log.warn('CRM step failed for good', { step: name, type });
        return undefined;
      }
    }
  }

  let resolved: ResolvedClient | undefined;
  let entitiesDone = false;
  const created = (): CrmBindings => resolved?.created ?? {};

  async function resolveClient(facts: CallFacts, stage: CallStage): Promise<void> {
    const done = await step('resolve-client', () => phase, () => crm.resolveClient.executeWithOptions(
      { ...CRM_ACTIVITY_OPTIONS, summary: `look up ${e164} in Bitrix24 and create what the call needs (${stage})` },
      [{ projectId: input.projectId, callId: input.callId, e164, facts, stage, minVersion: resumedVersion }],
    ));
    if (done) {
      resolved = done;
      result.failures.push(...done.failures);
      result.createdLeadId = done.created.leadId;
      result.createdDealId = done.created.dealId;
      result.createdContactId = done.created.contactId;
    }
    // The first stage at which creation is due is the call's one creation moment.
    entitiesDone = true;
  }

  const events = () => envelopes.map((e) => e.event);
  const folded = () => factsFromEvents(events(), e164);

  try {
    let processed = 0;
    let facts = folded();
    for (;;) {
      processed = envelopes.length;
      facts = folded();
      const skipped = skipReason(facts);
      if (skipped) {
        setPhase('completed', `skipped-${skipped}`);
        callsCompleted.add(1, { project: input.projectId, outcome: result.outcome });
        return result;
      }
      const stage = callStage(facts, events());
      if (stage === 'answered') setPhase('answered');
      if (!entitiesDone && creationDueAt(stage, settings.scenario, facts.direction)) await resolveClient(facts, stage);
      if (stage === 'ended') break;
      if (!(await nextEvent(processed))) {
        // Never ended: close it as answered or missed by what we saw.
        facts = closeNeverEnded(facts, events());
        if (!entitiesDone) await resolveClient(facts, 'ended');
        break;
      }
    }

    const client: ClientState | undefined = resolved?.client;
    let missedAssigneeId = resolved?.missedAssigneeId;
    if (client && missedAssigneeId === undefined && roundRobinApplies(settings, client, facts)) {
      missedAssigneeId = await local.drawMissedAssignee({ projectId: input.projectId, callId: input.callId });
    }
    const records = client ? planRecords({ facts, client, project: settings, created: created(), missedAssigneeId }) : undefined;
    const bindings = callBindings(client, created());
    if (records && records.tasks.length > 0) {
      const written = await step('create-tasks', () => endedPhase(facts), () => crm.completeCall.executeWithOptions(
        { ...CRM_ACTIVITY_OPTIONS, summary: `write ${records.tasks.map((t) => t.key).join(', ')} for ${e164}` },
        [{
          projectId: input.projectId, callId: input.callId, e164, tasks: records.tasks, minVersion: resumedVersion,
          crm: bindings, responsibleUserId: resolved?.createdOwnerId ?? clientOwnerId(client), clientName: resolved?.clientName,
        }],
      ));
      if (written) {
        result.taskIds = written.taskIds;
        result.failures.push(...written.failures);
      }
    }
    result.crm = bindings;
    setPhase('completed', records?.outcome ?? (result.failures.length > 0 ? 'failed' : 'nothing-written'));
  } catch (err) {
    if (!(err instanceof CallSkipped)) throw err;
    setPhase('completed', 'skipped-not-resent');
  }
  callsCompleted.add(1, { project: input.projectId, outcome: result.outcome });
  return result;
}

