// FROZEN COPY for version 1 (workflows/legacy/): copied from decisions/call-outcome.ts at commit 41a79f2 (issue 16),
// when version 1 was frozen. Version-1 workflows still running replay on this code and act on what it
// decides, so it never changes, and it deliberately duplicates live code: do not "dedupe" it back
// onto decisions/call-outcome.ts (an edit there would change what version-1 calls do). See docs/upgrades.md.
import type { RecordsPlan } from '../../../../schemas/crm-plan';
import type { StepFailure } from '../../../../schemas/workflow-io';
import type { SkipReason } from './skip-rules';

/** CallOutcome search attribute values: what the call wrote (docs/contracts.md §3). */
export type CallOutcome =
  | 'lead-created' | 'contact-created' | 'deal-created'
  | 'task-on-existing' | 'lead-on-contact' | 'deal-on-contact' | 'task-on-contact'
  | 'callback-task' | 'nothing-outgoing-new'
  | 'skipped-internal' | 'skipped-transit' | 'skipped-transferred'
  | 'skipped-not-resent' | 'parked-too-long' | 'no-events' | 'failed' | 'nothing-written';

/** S7: a call written nowhere says why. */
export function skippedOutcome(reason: SkipReason): CallOutcome {
  return `skipped-${reason}`;
}

/** T4: a parked call that a reactivation without resend closed. */
export const NOT_RESENT_OUTCOME: CallOutcome = 'skipped-not-resent';

/** A parked call that no reactivation released within its limit (PARKED_CALL_LIMIT_MS). */
export const PARKED_TOO_LONG_OUTCOME: CallOutcome = 'parked-too-long';

/** A call workflow that never received an event. */
export const NO_EVENTS_OUTCOME: CallOutcome = 'no-events';

/**
 * The outcome of a call that ran to its end: what its records wrote; with nothing planned,
 * `failed` when a step failed for good (R3), else `nothing-written`.
 */
export function finalOutcome(records: Pick<RecordsPlan, 'outcome'> | undefined, failures: readonly StepFailure[]): string {
  return records?.outcome ?? (failures.length > 0 ? 'failed' : 'nothing-written');
}
