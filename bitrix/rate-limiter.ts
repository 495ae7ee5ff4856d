/**
 * Client-side copy of Bitrix24's per-portal leaky bucket (B8): every HTTP request (a batch
 * counts once) adds 1, the counter drains `perSecond` per second, and the portal refuses with
 * 503 QUERY_LIMIT_EXCEEDED once it would exceed `burst`. Mirroring it lets us send at the
 * ceiling without ever being refused, and queue instead of failing when the bucket is full.
 *
 * Our view can be wrong (another app or worker shares the portal's bucket), so a 503 resets
 * the assumption: the bucket is taken as full and drains again from there.
 */

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface RateLimitOptions {
  /** Drain rate Y (2 on standard plans, 5 on Enterprise). */
  perSecond: number;
  /** Bucket size X (50 on standard plans, 250 on Enterprise). */
  burst: number;
  /**
   * Slots kept free (default 1). The portal counts a request when it ARRIVES: if an earlier
   * request is delayed on the way (network, event loop) while a later one is not, the portal's
   * counter is briefly higher than ours. One slot absorbs 1/perSecond s of such jitter.
   */
  margin?: number;
}

export const DEFAULT_RATE_LIMIT: RateLimitOptions = { perSecond: 2, burst: 50 };

export interface RateLimiter {
  /** Resolves (in FIFO order) when one request may be sent; the request is then counted. */
  acquire(): Promise<void>;
  /** The portal said 503: assume the bucket full now, and send nothing for `pauseMs` more. */
  penalize(pauseMs?: number): void;
  /** Current assumed counter (for tests and metrics). */
  level(): number;
  /** Requests waiting for a slot. */
  waiting(): number;
  /** Requests that could be sent now without waiting: 0 while any request waits or a 503 pause runs. */
  headroom(): number;
}

/** `onWait`: told how long each granted request waited for its slot, in ms (metrics). */
export function createRateLimiter(
  options: Partial<RateLimitOptions> = {}, clock: Clock = systemClock, onWait?: (ms: number) => void,
): RateLimiter {
  const perSecond = options.perSecond ?? DEFAULT_RATE_LIMIT.perSecond;
  const burst = options.burst ?? DEFAULT_RATE_LIMIT.burst;
  if (!(perSecond > 0) || !(burst >= 1)) throw new RangeError('rate limit needs perSecond > 0 and burst >= 1');
  // Never reduce the bucket below one request.
  const capacity = Math.max(1, burst - Math.max(0, options.margin ?? 1));

  let counter = 0;
  let updatedAt = clock.now();
  let pausedUntil = 0;
  const queue: Array<() => void> = [];
  let pumping = false;

  function drain(): void {
    const now = clock.now();
    counter = Math.max(0, counter - ((now - updatedAt) / 1000) * perSecond);
    updatedAt = now;
  }

  /** Ms until one more request fits (0 = now). */
  function waitMs(): number {
    drain();
    const pause = pausedUntil - clock.now();
    const fill = counter + 1 > capacity ? ((counter + 1 - capacity) / perSecond) * 1000 : 0;
    return Math.max(pause, fill, 0);
  }

  // One pump serves the queue so that waiters are granted strictly in arrival order.
  async function pump(): Promise<void> {
    if (pumping) return;
    pumping = true;
    try {
      while (queue.length > 0) {
        const wait = waitMs();
        if (wait > 0) {
          // Never sleep 0 ms in a loop because of float rounding: at least 1 ms.
          await clock.sleep(Math.max(1, Math.ceil(wait)));
          continue;
        }
        counter += 1;
        queue.shift()?.();
      }
    } finally {
      pumping = false;
    }
  }

  return {
    acquire() {
      return new Promise<void>((resolve) => {
        const asked = clock.now();
        queue.push(onWait ? () => { onWait(clock.now() - asked); resolve(); } : resolve);
        void pump();
      });
    },
    penalize(pauseMs = 0) {
      drain();
      counter = Math.max(counter, capacity);
      pausedUntil = Math.max(pausedUntil, clock.now() + pauseMs);
    },
    level() {
      drain();
      return counter;
    },
    waiting: () => queue.length,
    headroom() {
      drain();
      if (queue.length > 0 || pausedUntil > clock.now()) return 0;
      return Math.max(0, Math.floor(capacity - counter));
    },
  };
}

/**
 * One limiter per portal and process: clients created for the same portal (one per activity
 * call, say) must share the bucket, since Bitrix24 counts per portal, not per client.
 */
const shared = new Map<string, RateLimiter>();
export function sharedRateLimiter(portalKey: string, options: Partial<RateLimitOptions> = {}): RateLimiter {
  const key = `${portalKey}|${options.perSecond ?? DEFAULT_RATE_LIMIT.perSecond}|${options.burst ?? DEFAULT_RATE_LIMIT.burst}`;
  let limiter = shared.get(key);
  if (!limiter) {
    limiter = createRateLimiter(options);
    shared.set(key, limiter);
  }
  return limiter;
}
