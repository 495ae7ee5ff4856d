import type { RecordsPlan } from '../schemas/crm-plan';
import type { StepFailure } from '../schemas/workflow-io';
import type { SkipReason } from './skip-rules';

/** CallOutcome search attribute values: what the call wrote (docs/contracts.md §3). */
export type CallOutcome =
  | 'lead-created' | 'contact-created' | 'deal-created'
  | 'task-on-existing' | 'lead-on-contact' | 'deal-on-contact' | 'task-on-contact'
  | 'callback-task' | 'nothing-outgoing-new'
  | 'skipped-internal' | 'skipped-transit' | 'skipped-transferred'
  | 'skipped-not-resent' | 'parked-too-long' | 'no-events' | 'failed' | 'nothing-written' | 'retries-exhausted';

/** S7: a call written nowhere says why. */
export function skippedOutcome(reason: SkipReason): CallOutcome {
  return `skipped-${reason}`;
}

/** T4: a parked call that a reactivation without resend closed. */
export const NOT_RESENT_OUTCOME: CallOutcome = 'skipped-not-resent';

/** A parked call that no reactivation released within its limit (PARKED_CALL_LIMIT_MS). */
export const PARKED_TOO_LONG_OUTCOME: CallOutcome = 'parked-too-long';

/** Why a call parked past its limit of `limitMs` closed (T1): said in its failures, in days. */
export function parkedTooLongFailure(limitMs: number): StepFailure {
  const days = (limitMs / 86_400_000).toFixed(1);
  return {
    step: 'parked', type: PARKED_TOO_LONG_OUTCOME,
    message: `parked ${days} days with no reactivation (PARKED_CALL_LIMIT_MS): closed without writing to Bitrix24`,
  };
}

/** A call workflow that never received an event. */
export const NO_EVENTS_OUTCOME: CallOutcome = 'no-events';

/**
 * A call some of whose work was given up when its retries ran out (issue 16): a Bitrix24 step
 * still failing at its 24 h deadline, or a local activity past its bounded attempts. Its
 * failures say which step and why.
 */
export const RETRIES_EXHAUSTED_OUTCOME: CallOutcome = 'retries-exhausted';

/** The failure types (workflows/contract/failure-types.ts) of work given up when its retries ran out. */
const EXHAUSTED_TYPES: readonly string[] = ['StepTimedOut', 'LocalActivityGaveUp'];

/**
 * The outcome of a call that ran to its end: `retries-exhausted` when some of its work was given
 * up; else what its records wrote; with nothing planned, `failed` when a step failed for good
 * (R3), else `nothing-written`.
 */
export function finalOutcome(records: Pick<RecordsPlan, 'outcome'> | undefined, failures: readonly StepFailure[]): string {
  if (failures.some((f) => EXHAUSTED_TYPES.includes(f.type))) return RETRIES_EXHAUSTED_OUTCOME;
  return records?.outcome ?? (failures.length > 0 ? 'failed' : 'nothing-written');
}
