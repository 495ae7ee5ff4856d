import { ActivityFailure, ApplicationFailure, TimeoutFailure } from '@temporalio/workflow';

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

/**
 * Why an activity's retries ran out, when they did: its retry deadline passed (a TimeoutFailure,
 * e.g. the 24 h schedule-to-close of Bitrix24 work) or its attempts were used up (local
 * activities). Undefined for any other failure.
 */
export function retriesExhausted(err: unknown): string | undefined {
  if (!(err instanceof ActivityFailure)) return undefined;
  const cause = err.cause;
  if (cause instanceof TimeoutFailure) {
    const kind = (cause.timeoutType ?? 'unknown').toLowerCase().replace(/_/g, '-');
    const last = cause.cause ? `; last failure: ${cause.cause.message}` : '';
    return `gave up: its ${kind} timeout passed while it was still being retried${last}`;
  }
  if (err.retryState === 'MAXIMUM_ATTEMPTS_REACHED') return `gave up after its last retry: ${failureMessage(err)}`;
  return undefined;
}

/**
 * Whether retrying could have helped: not an ApplicationFailure marked non-retryable or of one of
 * `nonRetryableTypes`. A local activity that failed so has used up its bounded attempts (its
 * failure's retry state does not always say so).
 */
export function wasRetryable(err: unknown, nonRetryableTypes: readonly string[]): boolean {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (!(cause instanceof ApplicationFailure)) return true;
  return !cause.nonRetryable && !nonRetryableTypes.includes(cause.type ?? '');
}
