// FROZEN COPY for version 1 (workflows/legacy/): the parts of workflows/activity-failure.ts that version 1 uses, copied at
// commit 41a79f2 (issue 16), when version 1 was frozen. Version-1 workflows still running replay on
// this code, so it never changes, and it deliberately duplicates live code: do not "dedupe" it back
// onto workflows/activity-failure.ts (an edit there would change what version-1 workflows do). See docs/upgrades.md.
import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';

// What a workflow reads from a failed activity: its failure type and its message.

/** The failure type of an activity error (an ApplicationFailure's `type`, one of contract/failure-types.ts), or undefined. */
export function failureType(err: unknown): string | undefined {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  return cause instanceof ApplicationFailure ? (cause.type ?? 'ApplicationFailure') : undefined;
}

export function failureMessage(err: unknown): string {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  return cause instanceof Error ? cause.message : String(cause);
}
