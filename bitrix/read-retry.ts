import { BitrixRateLimitedError, BitrixTransientError } from './errors';

const ATTEMPTS = 3;
const FIRST_PAUSE_MS = 200;
/** A longer wait (Bitrix24's operating-time window) is the activity retry's business, not an in-place pause. */
const LONGEST_PAUSE_MS = 2_000;

/**
 * A read (list, get, duplicate search) retried in place on a transient fault or a rate limit:
 * it changes nothing, so trying it again is always safe, and a one-off 500 should not cost the
 * whole activity — with its writes, which must not be retried blindly — another attempt (R3).
 * Writes are never retried here: their markers make the activity's own retry safe instead.
 */
export async function readWithRetry<T>(read: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await read();
    } catch (err) {
      const retryable = err instanceof BitrixTransientError || err instanceof BitrixRateLimitedError;
      if (!retryable || attempt >= ATTEMPTS) throw err;
      const pause = err instanceof BitrixRateLimitedError && err.retryAfterMs ? err.retryAfterMs : FIRST_PAUSE_MS * 2 ** (attempt - 1);
      if (pause > LONGEST_PAUSE_MS) throw err;
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}
