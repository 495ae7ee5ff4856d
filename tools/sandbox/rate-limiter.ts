import type { RateLimitConfig } from './types';

/**
 * Bitrix24's leaky bucket (research §2): every HTTP request adds 1 (a batch is one request),
 * the counter drains `perSecond` per second, and a request that would lift it above `burst` is
 * refused with 503 QUERY_LIMIT_EXCEEDED. Refused requests add nothing, so a client that backs
 * off gets through again once the bucket has drained.
 */
export class LeakyBucket {
  private level = 0;
  private updatedAt: number;

  constructor(now: number = Date.now()) {
    this.updatedAt = now;
  }

  /** Takes one slot if there is room; false means "answer 503". */
  take(config: RateLimitConfig, now: number = Date.now()): boolean {
    if (!config.enabled) return true;
    const drained = ((now - this.updatedAt) / 1000) * config.perSecond;
    this.level = Math.max(0, this.level - drained);
    this.updatedAt = now;
    if (this.level + 1 > config.burst) return false;
    this.level += 1;
    return true;
  }

  reset(): void {
    this.level = 0;
    this.updatedAt = Date.now();
  }
}
