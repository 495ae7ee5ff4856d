import { ApplicationFailure } from '@temporalio/activity';
import { BitrixError, BitrixRateLimitedError, bitrixFailureType } from '../bitrix/errors';
import { NON_RETRYABLE } from '../workflows/contract';

/**
 * Turns a Bitrix24 error into the Temporal failure the workflow reacts to (R3): the contract's
 * failure type of its class, not retried when the workflows' retry policies say so; a rate
 * limit retries after Bitrix24's own delay.
 */
export function toActivityFailure(err: unknown): unknown {
  if (!(err instanceof BitrixError)) return err;
  const type = bitrixFailureType(err);
  const details = [err.toJSON()];
  if (NON_RETRYABLE.includes(type)) return ApplicationFailure.create({ type, message: err.message, nonRetryable: true, details });
  if (err instanceof BitrixRateLimitedError) {
    return ApplicationFailure.create({ type, message: err.message, nextRetryDelay: err.retryAfterMs, details });
  }
  return ApplicationFailure.create({ type, message: err.message, details });
}

/** A failure that ends one step (not the call), as recorded in the workflow's result. */
export function stepFailure(step: string, err: unknown): { step: string; type: string; message: string } {
  if (err instanceof BitrixError) return { step, type: bitrixFailureType(err), message: err.message };
  return { step, type: 'Error', message: err instanceof Error ? err.message : String(err) };
}
