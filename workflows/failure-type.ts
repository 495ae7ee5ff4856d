import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';

/** Bitrix24 errors that retrying cannot fix: the workflow parks (token) or records the failure. */
export const NON_RETRYABLE = ['BitrixTokenInvalid', 'BitrixBadRequest', 'ProjectUnknown'];

/** The failure type of an activity error (an ApplicationFailure's `type`), or undefined. */
export function failureType(err: unknown): string | undefined {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  return cause instanceof ApplicationFailure ? (cause.type ?? 'ApplicationFailure') : undefined;
}

export function failureMessage(err: unknown): string {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  return cause instanceof Error ? cause.message : String(cause);
}
