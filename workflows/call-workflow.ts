import {
  condition, metricMeter, patched, setCurrentDetails, setHandler, sleep, upsertSearchAttributes, workflowInfo,
} from '@temporalio/workflow';
import {
  callBindings, callSummary, cardResponsible, endedPhase, finalOutcome, NO_EVENTS_OUTCOME, NOT_RESENT_OUTCOME, PARKED_TOO_LONG_OUTCOME,
  parkedTooLongFailure, planRecords, roundRobinDrawDue, skippedOutcome, type CallStage,
} from '../decisions';
import type { CompletedCall, ResolvedClient } from '../schemas/activity-io';
import type { CallFacts, ClientState, CrmBindings } from '../schemas/crm-plan';
import type { CallEventEnvelope, CallPhase, CallResult, CallWorkflowInput, ProjectSettings } from '../schemas/workflow-io';
import { crm, CRM_ACTIVITY_OPTIONS, local, localCrm } from './activity-proxies';
import {
  CallSkipped, DEFAULT_IDLE_TIMEOUT_MS, DEFAULT_PARKED_LIMIT_MS, followCall, localStep, newCallResult, ParkedTooLong, receiveCallEvents, runStep,
  waitParked, waitWhileParked, type CredentialsStatus,
} from './call-actor';
import { BACKLOG_PRIORITY, BACKLOG_TASK_QUEUE, CallOutcomeKey, CallPhaseKey, callStateQuery, resumeSignal, skipParkedSignal, type CallSettings } from './contract';

/**
 * Patch (calls started before it replay without it): the idle timeout is the worker's
 * (CallSettings.callIdleTimeoutMs), so the settings are loaded before the idle timer starts,
 * not after the first event.
 */
export const IDLE_TIMEOUT_FROM_WORKER_PATCH = 'idle-timeout-from-worker';

/**
 * Patch (calls parked before it keep their hourly look): a parked call looks at the credentials
 * when it parks and then only twice a day (call-actor.ts waitParked), and closes as
 * `parked-too-long` after the worker's PARKED_CALL_LIMIT_MS (default 7 days) — 150k parked
 * calls no longer cost 150k workflow tasks an hour.
 */
export const PARKING_COST_PATCH = 'parked-rarely-and-limited';

/**
 * Patch (calls before it keep the main queue): the Bitrix24 activities of a call that was parked,
 * or that the resend started, run on the backlog's own task queue (BACKLOG_TASK_QUEUE), so that
 * waiting on a slow portal they never hold the activity slots live calls need (issue 15, item 5).
 */
export const BACKLOG_LANE_PATCH = 'backlog-activities-own-queue';

/**
 * The call's actor (version 2): folds its events (any order, duplicates, missing ones), runs
 * ringing → answered / missed / voicemail → completed, and writes the CRM work the decision
 * table asks for, exactly once. Parks when the Bitrix24 token is invalid (T1).
 *
 * What it costs above the minimal design (docs/requirements.md §8, P7), each for a reason: one local
 * activity for the settings; one activity when the client is resolved (so the lead exists while
 * the manager talks, S1.1), and for a live call resolved before it ended, a local activity for its
 * tasks after call.ended; one idle timer for the whole call; a search-attribute upsert when the
 * call is answered and one when it ends (operators find calls by phase and outcome, B4).
 */
export async function callWorkflowV2(input: CallWorkflowInput): Promise<CallResult> {
  const callsCompleted = metricMeter.createCounter('ringostat_bridge_calls_completed', 'calls', 'Calls completed, by project and outcome');
  const callParks = metricMeter.createCounter('ringostat_bridge_call_parks', 'parks', 'Times a call parked on an invalid Bitrix24 token');
  let phase: CallPhase = 'ringing';
  let resumedVersion = 0;
  // After a park its Bitrix24 work is backlog: it queues behind live calls (BACKLOG_PRIORITY), and
  // from the lane patch on it runs in the backlog's lane, as does that of a call the resend started.
  let wasParked = false;
  const startedAsBacklog = workflowInfo().priority?.priorityKey === BACKLOG_PRIORITY.priorityKey;
  const crmOptions = () => {
    if (!wasParked && !startedAsBacklog) return CRM_ACTIVITY_OPTIONS;
    if (patched(BACKLOG_LANE_PATCH)) return { ...CRM_ACTIVITY_OPTIONS, priority: BACKLOG_PRIORITY, taskQueue: BACKLOG_TASK_QUEUE };
    return wasParked ? { ...CRM_ACTIVITY_OPTIONS, priority: BACKLOG_PRIORITY } : CRM_ACTIVITY_OPTIONS;
  };
  let resumeRequested = false;
  let skipRequested: string | undefined;
  let lastEventAt = Date.now();
  const result = newCallResult(input);

  const envelopes = receiveCallEvents(result, () => { lastEventAt = Date.now(); });
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

  // How long a call may go without news is the worker's to say (CALL_IDLE_TIMEOUT_MS), so its
  // settings come before the idle timer; calls started before the patch take it from their input.
  const loadSettings = () => localStep(result, 'settings', () => local.loadProjectSettings(input.projectId));
  const settingsFirst = patched(IDLE_TIMEOUT_FROM_WORKER_PATCH);
  const preloaded: CallSettings | undefined = settingsFirst ? await loadSettings() : undefined;
  // No settings (the project left the config, or the worker could not answer within its retries): the call ends, saying why.
  const endWithoutSettings = (): CallResult => {
    setPhase('completed', finalOutcome(undefined, result.failures));
    callsCompleted.add(1, { project: input.projectId, outcome: result.outcome });
    return result;
  };
  if (settingsFirst && !preloaded) return endWithoutSettings();
  const idleTimeout = preloaded?.callIdleTimeoutMs ?? input.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  // One timer for the whole call, re-armed only when events kept coming: a call costs one timer, not one per wait.
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
    setPhase('completed', NO_EVENTS_OUTCOME);
    return result;
  }
  const e164 = (envelopes[0] as CallEventEnvelope).clientE164;
  // Without IDLE_TIMEOUT_FROM_WORKER_PATCH (calls started before it): the settings come after the first event.
  const loaded = preloaded ?? await loadSettings();
  if (!loaded) return endWithoutSettings();
  const settings: CallSettings = loaded;
  known.settings = settings;
  describe();

  /**
   * Parks until reactivation (T1); throws CallSkipped when the operator chose not to resend (T4),
   * ParkedTooLong when no reactivation came within the limit.
   */
  async function park(resumeTo: CallPhase): Promise<void> {
    setPhase('parked');
    callParks.add(1, { project: input.projectId });
    resumeRequested = false;
    const released = () => resumeRequested || skipRequested !== undefined;
    // A look that failed for good (bounded retries) says nothing new: the call stays parked, its release signal still wakes it.
    const look = async (): Promise<CredentialsStatus> =>
      (await localStep({ ...result, failures: [] }, 'credentials', () => local.credentialsStatus({ projectId: input.projectId }))) ?? { version: 0, status: 'broken' };
    const active = patched(PARKING_COST_PATCH)
      ? await waitParked(released, look, settings.parkedCallLimitMs ?? DEFAULT_PARKED_LIMIT_MS)
      : await waitWhileParked(released, look);
    if (active === 'limit') throw new ParkedTooLong();
    wasParked = true;
    if (active) resumedVersion = Math.max(resumedVersion, active.version);
    if (skipRequested !== undefined) throw new CallSkipped(skipRequested);
    setPhase(resumeTo);
  }

  /** Runs one CRM step: parks and retries on an invalid token, resuming to `resumeTo()`; records any other permanent failure. */
  const step = <T>(name: string, resumeTo: () => CallPhase, run: () => Promise<T>): Promise<T | undefined> =>
    runStep(result, name, () => park(resumeTo()), run);

  let resolved: ResolvedClient | undefined;
  /** The call had ended by its creation moment and resolveClient did the rest: the draw, and the tasks it wrote. */
  let completedAlong: CompletedCall | undefined;
  let entitiesDone = false;
  const created = (): CrmBindings => resolved?.created ?? {};

  async function resolveClient(facts: CallFacts, stage: CallStage): Promise<void> {
    // An ended call asks the activity to write its tasks too (one activity, not two; issue 16). The
    // command is the same either way, so no patch: what follows is decided by the answer — with
    // `completed`, nothing is left to write; without (a worker before it, a history before it),
    // the call writes its tasks itself, as it always did.
    const done = await step('resolve-client', () => phase, () => crm.resolveClient.executeWithOptions(
      { ...crmOptions(), summary: `look up ${e164} in Bitrix24 and create what the call needs (${stage})` },
      [{ projectId: input.projectId, callId: input.callId, e164, facts, stage, minVersion: resumedVersion, ...(stage === 'ended' ? { andComplete: true } : {}) }],
    ));
    completedAlong = done?.completed;
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

  try {
    const followed = await followCall({
      envelopes, e164, scenario: settings.scenario, entitiesDone: () => entitiesDone, resolveClient, answered: () => setPhase('answered'), nextEvent,
    });
    if ('skipped' in followed) {
      setPhase('completed', skippedOutcome(followed.skipped));
      callsCompleted.add(1, { project: input.projectId, outcome: result.outcome });
      return result;
    }
    const { facts } = followed;
    // The idle timeout ended it: said in the result and the summary, beside what it wrote.
    if (followed.idle) result.closedIdleAfterMs = idleTimeout;
    const client: ClientState | undefined = resolved?.client;
    let missedAssigneeId = resolved?.missedAssigneeId;
    // An ended call's one activity drew already when due (its missedAssigneeId); when it could not, it answered without `completed`.
    if (!completedAlong && roundRobinDrawDue(settings, resolved, facts)) {
      // A draw that failed for good is recorded; the records fall back as for an empty rotation.
      missedAssigneeId = await localStep(result, 'round-robin', () => local.drawMissedAssignee({ projectId: input.projectId, callId: input.callId }));
    }
    const records = client ? planRecords({ facts, client, project: settings, created: created(), missedAssigneeId }) : undefined;
    const bindings = callBindings(client, created());
    if (completedAlong) {
      result.taskIds = completedAlong.taskIds;
      result.failures.push(...completedAlong.failures);
    } else if (records && records.tasks.length > 0) {
      const tasks = records.tasks;
      const writeTasks = async (): Promise<CompletedCall> => {
        const call = {
          projectId: input.projectId, callId: input.callId, e164, tasks, minVersion: resumedVersion,
          crm: bindings, responsibleUserId: cardResponsible(resolved), clientName: resolved?.clientName,
        };
        // A live call whose resolution came from a worker that says so tries a local activity
        // first, one that declines to wait for the portal's rate limit. Whatever fails that quick
        // try — no room under the limit, a portal in trouble, an invalid token, a refusal —
        // and otherwise (an older worker's answer, an older history, a parked or resent call:
        // wasParked is set before a parked step runs again), the activity it always was decides:
        // it retries for a day, or parks the call the way every activity does (its priority
        // lowered, activities/parking-priority.ts), or records the refusal.
        if (resolved?.completeLocally && !wasParked && !startedAsBacklog) {
          const wrote = await localCrm.completeCall({ ...call, quickTry: true }).catch(() => undefined);
          if (wrote) return wrote;
        }
        return crm.completeCall.executeWithOptions({ ...crmOptions(), summary: `write ${tasks.map((t) => t.key).join(', ')} for ${e164}` }, [call]);
      };
      const written = await step('create-tasks', () => endedPhase(facts), writeTasks);
      if (written) {
        result.taskIds = written.taskIds;
        result.failures.push(...written.failures);
      }
    }
    result.crm = bindings;
    setPhase('completed', finalOutcome(records, result.failures));
  } catch (err) {
    if (err instanceof ParkedTooLong) {
      result.failures.push(parkedTooLongFailure(settings.parkedCallLimitMs ?? DEFAULT_PARKED_LIMIT_MS));
      setPhase('completed', PARKED_TOO_LONG_OUTCOME);
    } else if (err instanceof CallSkipped) {
      setPhase('completed', NOT_RESENT_OUTCOME);
    } else {
      throw err;
    }
  }
  callsCompleted.add(1, { project: input.projectId, outcome: result.outcome });
  return result;
}

