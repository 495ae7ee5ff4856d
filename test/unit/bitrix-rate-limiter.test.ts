/** B8: the client-side leaky bucket, driven by a fake clock (no real waiting, no timing flakiness). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRateLimiter, type Clock } from '../../bitrix/rate-limiter';

/** A clock that only moves when told; sleepers wake in time order. */
function fakeClock(): Clock & { advance(ms: number): Promise<void> } {
  let now = 0;
  const sleepers: Array<{ at: number; wake: () => void }> = [];
  const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
  return {
    now: () => now,
    sleep: (ms) => new Promise<void>((wake) => sleepers.push({ at: now + ms, wake })),
    async advance(ms) {
      const target = now + ms;
      await settle();
      for (;;) {
        sleepers.sort((a, b) => a.at - b.at);
        const next = sleepers[0];
        if (!next || next.at > target) break;
        sleepers.shift();
        now = next.at;
        next.wake();
        await settle();
      }
      now = target;
      await settle();
    },
  };
}

function track(limiter: ReturnType<typeof createRateLimiter>, n: number, clock: Clock): number[] {
  const grantedAt: number[] = [];
  for (let i = 0; i < n; i += 1) void limiter.acquire().then(() => grantedAt.push(clock.now()));
  return grantedAt;
}

void describe('rate limiter (leaky bucket)', () => {
  void it('grants a burst of 50 at once, then 2 per second', async () => {
    const clock = fakeClock();
    const limiter = createRateLimiter({ perSecond: 2, burst: 50, margin: 0 }, clock);
    const granted = track(limiter, 56, clock);
    await clock.advance(0);
    assert.equal(granted.length, 50);
    await clock.advance(499);
    assert.equal(granted.length, 50);
    await clock.advance(1);
    assert.equal(granted.length, 51);
    await clock.advance(2500);
    assert.equal(granted.length, 56);
    assert.deepEqual(granted.slice(50), [500, 1000, 1500, 2000, 2500, 3000]);
  });

  void it('never lets the assumed counter exceed the burst', async () => {
    const clock = fakeClock();
    const limiter = createRateLimiter({ perSecond: 5, burst: 10, margin: 0 }, clock);
    const granted = track(limiter, 40, clock);
    for (let t = 0; t < 8000; t += 50) {
      await clock.advance(50);
      assert.ok(limiter.level() <= 10 + 1e-9, `level ${limiter.level()} at ${clock.now()}`);
    }
    assert.equal(granted.length, 40);
    // 10 at once, then 30 more at 5/s → the last at 6 s.
    assert.equal(granted[39], 6000);
  });

  void it('drains while idle, so a later burst goes at once again', async () => {
    const clock = fakeClock();
    const limiter = createRateLimiter({ perSecond: 2, burst: 4, margin: 0 }, clock);
    track(limiter, 4, clock);
    await clock.advance(0);
    assert.equal(limiter.level(), 4);
    await clock.advance(2000);
    assert.equal(limiter.level(), 0);
    const again = track(limiter, 4, clock);
    await clock.advance(0);
    assert.equal(again.length, 4);
  });

  void it('grants in arrival order', async () => {
    const clock = fakeClock();
    const limiter = createRateLimiter({ perSecond: 1, burst: 1 }, clock);
    const order: number[] = [];
    for (let i = 0; i < 5; i += 1) void limiter.acquire().then(() => order.push(i));
    await clock.advance(10_000);
    assert.deepEqual(order, [0, 1, 2, 3, 4]);
  });

  void it('a 503 resets the assumption: the bucket is taken as full, plus an optional pause', async () => {
    const clock = fakeClock();
    const limiter = createRateLimiter({ perSecond: 2, burst: 50, margin: 0 }, clock);
    track(limiter, 3, clock);
    await clock.advance(0);
    limiter.penalize();
    assert.equal(limiter.level(), 50);
    const next = track(limiter, 1, clock);
    await clock.advance(499);
    assert.equal(next.length, 0);
    await clock.advance(1);
    assert.equal(next.length, 1);
    limiter.penalize(3000);
    const later = track(limiter, 1, clock);
    await clock.advance(2999);
    assert.equal(later.length, 0);
    await clock.advance(1);
    assert.equal(later.length, 1);
  });

  void it('refuses a nonsensical configuration', () => {
    assert.throws(() => createRateLimiter({ perSecond: 0, burst: 50 }), RangeError);
    assert.throws(() => createRateLimiter({ perSecond: 2, burst: 0 }), RangeError);
  });
});
