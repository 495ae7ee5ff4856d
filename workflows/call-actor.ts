import { condition, log, patched, setHandler } from '@temporalio/workflow';
import { callStage, closeNeverEnded, creationDueAt, factsFromEvents, skipReason, type CallStage, type SkipReason } from '../decisions';
import type { CallFacts } from '../schemas/crm-plan';
import type { Scenario } from '../schemas/project-config';
import type { CallEventEnvelope, CallResult, CallWorkflowInput } from '../schemas/workflow-io';
import { callEventSignal, FailureType, NON_RETRYABLE } from './contract';
import { failureMessage, failureType, retriesExhausted, wasRetryable } from './activity-failure';

/**
 * Patch (issue 16, item 6; calls whose history predates it fail as before): an activity whose
 * retries ran out — the 24 h deadline of Bitrix24 work, the bounded attempts of a local
 * activity — no longer fails the call workflow without a word. The call records why, in its
 * failures, and ends (or goes on) with outcome `retries-exhausted` where that ended it.
 */
export const BOUNDED_RETRIES_PATCH = 'retries-exhausted-recorded';

/**
 * What the version-2 call workflow (call-workflow.ts) runs of the call actor. Calls in flight
 * replay on it, so a change here must leave their commands as they were (or sit behind a patch):
 * test/unit/workflow-replay.test.ts replays them. Version 1 has its own frozen copy
 * (legacy/frozen/call-actor.ts): nothing here changes what version-1 calls do.
 */

/** A call with no event for this long is closed with what it has (Ringostat may never send call.ended). */
export const DEFAULT_IDLE_TIMEOUT_MS = 2 * 60 * 60 * 1000;
/** A parked call checks the credentials itself this often, in case the resume signal was missed. */
export const PARKED_RECHECK = '1 hour';

/** Ends a parked call when the operator reactivated without resend (T4): it closes as skipped. */
export class CallSkipped extends Error {}

/** How long a call may stay parked unless the worker says otherwise (PARKED_CALL_LIMIT_MS). */
export const DEFAULT_PARKED_LIMIT_MS = 7 * 24 * 60 * 60 * 1000;
/** A parked call's own look at the credentials, in case the resume signal was missed: twice a day. */
export const PARKED_SAFETY_CHECK_MS = 12 * 60 * 60 * 1000;

/**
 * A local activity's answer, or undefined when it failed for good (its retries are bounded) —
 * then its reason is in the call's failures, under `step`. Before BOUNDED_RETRIES_PATCH the
 * failure fails the call workflow, as it did.
 */
export async function localStep<T>(result: CallResult, step: string, run: () => Promise<T>): Promise<T | undefined> {
  try {
    return await run();
  } catch (err) {
    if (!patched(BOUNDED_RETRIES_PATCH)) throw err;
    const exhausted = retriesExhausted(err) ?? (wasRetryable(err, NON_RETRYABLE) ? `gave up after its last retry: ${failureMessage(err)}` : undefined);
    const type = exhausted !== undefined ? FailureType.LocalActivityGaveUp : (failureType(err) ?? FailureType.LocalActivityGaveUp);
    result.failures.push({ step, type, message: exhausted ?? failureMessage(err) });
    log.warn('local activity failed for good', { step, type });
    return undefined;
  }
}

/** Ends a call that stayed parked past its limit with no reactivation: it closes as `parked-too-long`. */
export class ParkedTooLong extends Error {}

/** The result a call starts with: ringing, nothing written yet. */
export function newCallResult(input: CallWorkflowInput): CallResult {
  return {
    projectId: input.projectId, callId: input.callId, phase: 'ringing', outcome: 'pending',
    crm: {}, taskIds: {}, failures: [], eventsSeen: 0,
  };
}

/**
 * The call's events as the dispatcher signals them, in arrival order: an event whose eventId came
 * before is dropped (R1). `onNew` runs for each new one.
 */
export function receiveCallEvents(result: CallResult, onNew?: () => void): CallEventEnvelope[] {
  const envelopes: CallEventEnvelope[] = [];
  const seen = new Set<string>();
  setHandler(callEventSignal, (envelope) => {
    if (seen.has(envelope.event.eventId)) return;
    seen.add(envelope.event.eventId);
    envelopes.push(envelope);
    onNew?.();
    result.eventsSeen = envelopes.length;
  });
  return envelopes;
}

/**
 * Runs one CRM step: on an invalid token it parks (T1) and runs the step again; any other
 * permanent failure is recorded in the result (R3) and the step gives undefined, so the call goes on.
 */
export async function runStep<T>(result: CallResult, name: string, park: () => Promise<unknown>, run: () => Promise<T>): Promise<T | undefined> {
  for (;;) {
    try {
      return await run();
    } catch (err) {
      const type = failureType(err);
      if (type === FailureType.BitrixTokenInvalid) {
        await park();
        continue;
      }
      const exhausted = retriesExhausted(err);
      if (type === undefined && exhausted !== undefined && patched(BOUNDED_RETRIES_PATCH)) {
        result.failures.push({ step: name, type: FailureType.StepTimedOut, message: exhausted });
        log.warn('CRM step gave up', { step: name, reason: exhausted });
        return undefined;
      }
      if (type === undefined) throw err;
      result.failures.push({ step: name, type, message: failureMessage(err) });
      log.warn('CRM step failed for good', { step: name, type });
      return undefined;
    }
  }
}

/** What following a call's events needs from its workflow. */
export interface FollowedCall {
  envelopes: readonly CallEventEnvelope[];
  e164: string;
  scenario: Pick<Scenario, 'createOn'>;
  /** Whether the call's one creation moment has passed. */
  entitiesDone(): boolean;
  /** The entity work of the call, at the stage that is its creation moment. */
  resolveClient(facts: CallFacts, stage: CallStage): Promise<void>;
  /** The call was answered (it may be told more than once). */
  answered(): void;
  /** Waits for an event beyond the first `processed`: false when none came for the idle timeout. */
  nextEvent(processed: number): Promise<boolean>;
}

/**
 * Follows the call's events until call.ended — or until it went quiet: then it is closed as
 * answered or missed by what was seen (docs/decisions.md "Calls that never ended") — doing its entity
 * work at the first stage that is the call's creation moment. Gives the facts the call ended
 * with, or why it is written nowhere (S7).
 */
export async function followCall(call: FollowedCall): Promise<{ facts: CallFacts; idle?: true } | { skipped: SkipReason }> {
  const events = () => call.envelopes.map((e) => e.event);
  const folded = () => factsFromEvents(events(), call.e164);
  let processed = 0;
  let facts = folded();
  for (;;) {
    processed = call.envelopes.length;
    facts = folded();
    const skipped = skipReason(facts);
    if (skipped) return { skipped };
    const stage = callStage(facts, events());
    if (stage === 'answered') call.answered();
    if (!call.entitiesDone() && creationDueAt(stage, call.scenario, facts.direction)) await call.resolveClient(facts, stage);
    if (stage === 'ended') return { facts };
    if (!(await call.nextEvent(processed))) {
      facts = closeNeverEnded(facts, events());
      if (!call.entitiesDone()) await call.resolveClient(facts, 'ended');
      return { facts, idle: true };
    }
  }
}

/**
 * A parked call's wait (T1) from the parking-cost patch on: a look at the credentials when it
 * parks (a reactivation may have come between its failure and now, before it was listed as
 * parked), then nothing but a rare safety look (PARKED_SAFETY_CHECK_MS) until `signalled()` —
 * the release after a reactivation — or the limit. A parked call costs a few actions a day and
 * no memory on any worker. Gives the active credentials when a look ended the wait, `'limit'`
 * when the limit came first, undefined when signalled.
 */
export async function waitParked(
  signalled: () => boolean, credentialsStatus: () => Promise<CredentialsStatus>, limitMs: number,
): Promise<CredentialsStatus | 'limit' | undefined> {
  const deadline = Date.now() + limitMs;
  const atPark = await credentialsStatus();
  if (atPark.status === 'active') return atPark;
  for (;;) {
    const left = deadline - Date.now();
    if (left <= 0) return 'limit';
    if (await condition(signalled, Math.min(PARKED_SAFETY_CHECK_MS, left))) return undefined;
    if (Date.now() >= deadline) return 'limit';
    const status = await credentialsStatus();
    if (status.status === 'active') return status;
  }
}

/** The credentials as a parked call checks them (T1). */
export interface CredentialsStatus {
  version: number;
  status: 'active' | 'broken';
}

/**
 * A parked call's wait before the parking-cost patch: until `signalled()` (a resume or skip signal came) or, checked every
 * PARKED_RECHECK in case a signal was missed, the credentials are active again. Gives the active
 * credentials when the check ended the wait.
 */
export async function waitWhileParked(
  signalled: () => boolean, credentialsStatus: () => Promise<CredentialsStatus>,
): Promise<CredentialsStatus | undefined> {
  for (;;) {
    if (await condition(signalled, PARKED_RECHECK)) return undefined;
    const status = await credentialsStatus();
    if (status.status === 'active') return status;
  }
}
