// FROZEN COPY for version 1 (workflows/legacy/): the parts of workflows/call-actor.ts that version 1 uses, copied at
// commit 41a79f2 (issue 16), when version 1 was frozen. Version-1 workflows still running replay on
// this code, so it never changes, and it deliberately duplicates live code: do not "dedupe" it back
// onto workflows/call-actor.ts (an edit there would change what version-1 workflows do). See docs/upgrades.md.
import { condition, log, setHandler } from '@temporalio/workflow';
import { callStage, closeNeverEnded, creationDueAt, factsFromEvents, skipReason, type CallStage, type SkipReason } from './decisions';
import type { CallFacts } from '../../../schemas/crm-plan';
import type { Scenario } from '../../../schemas/project-config';
import type { CallEventEnvelope, CallResult, CallWorkflowInput } from '../../../schemas/workflow-io';
import { callEventSignal, FailureType } from '../../contract';
import { failureMessage, failureType } from './activity-failure';

/** What the version-1 call workflow (../call-workflow-v1.ts) runs of the call actor. */

/** A call with no event for this long is closed with what it has (Ringostat may never send call.ended). */
export const DEFAULT_IDLE_TIMEOUT_MS = 2 * 60 * 60 * 1000;
/** A parked call checks the credentials itself this often, in case the resume signal was missed. */
export const PARKED_RECHECK = '1 hour';

/** Ends a parked call when the operator reactivated without resend (T4): it closes as skipped. */
export class CallSkipped extends Error {}

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
export async function followCall(call: FollowedCall): Promise<{ facts: CallFacts } | { skipped: SkipReason }> {
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
      return { facts };
    }
  }
}

/** The credentials as a parked call checks them (T1). */
export interface CredentialsStatus {
  version: number;
  status: 'active' | 'broken';
}

/**
 * A parked call's wait: until `signalled()` (a resume or skip signal came) or, checked every
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
