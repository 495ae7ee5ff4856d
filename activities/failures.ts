import { ApplicationFailure } from '@temporalio/activity';
import { BitrixBadRequestError, BitrixError, BitrixRateLimitedError, BitrixTokenInvalidError } from '../bitrix/errors';

/**
 * Turns a Bitrix24 error into the Temporal failure the workflow reacts to (R3): the failure
 * type is the error's name; a rate limit retries after Bitrix24's own delay.
 */
export function toActivityFailure(err: unknown): unknown {
  if (!(err instanceof BitrixError)) return err;
  const details = [err.toJSON()];
  if (err instanceof BitrixTokenInvalidError || err instanceof BitrixBadRequestError) {
    return ApplicationFailure.create({ type: err.name, message: err.message, nonRetryable: true, details });
  }
  if (err instanceof BitrixRateLimitedError) {
    return ApplicationFailure.create({ type: err.name, message: err.message, nextRetryDelay: err.retryAfterMs, details });
  }
  return ApplicationFailure.create({ type: err.name, message: err.message, details });
}

/** A failure that ends one step (not the call), as recorded in the workflow's result. */
export function stepFailure(step: string, err: unknown): { step: string; type: string; message: string } {
  if (err instanceof BitrixError) return { step, type: err.name, message: err.message };
  return { step, type: 'Error', message: err instanceof Error ? err.message : String(err) };
}
