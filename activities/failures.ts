import { ApplicationFailure } from '@temporalio/activity';
import { BitrixBadRequestError, BitrixError, BitrixRateLimitedError, BitrixTokenInvalidError } from '../bitrix/errors';
import { FailureType, NON_RETRYABLE, type FailureTypeName } from '../workflows/contract';

/** The failure type (workflows/contract) of each class of the Bitrix24 error taxonomy (R3). */
export function bitrixFailureType(err: BitrixError): FailureTypeName {
  if (err instanceof BitrixTokenInvalidError) return FailureType.BitrixTokenInvalid;
  if (err instanceof BitrixBadRequestError) return FailureType.BitrixBadRequest;
  if (err instanceof BitrixRateLimitedError) return FailureType.BitrixRateLimited;
  return FailureType.BitrixTransient;
}

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
