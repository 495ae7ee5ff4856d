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
