/** Research §2: the leaky bucket, with an explicit clock (no sleeping). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LeakyBucket } from '../../tools/sandbox/rate-limiter';
import { Random } from '../../tools/sandbox/random';
import { decideFault } from '../../tools/sandbox/faults';

const config = { enabled: true, perSecond: 2, burst: 50 };

void test('50 pass at once, the 51st is refused, 500 ms later one more passes', () => {
  const bucket = new LeakyBucket(0);
  for (let i = 0; i < 50; i++) assert.equal(bucket.take(config, 0), true);
  assert.equal(bucket.take(config, 0), false);
  assert.equal(bucket.take(config, 400), false);
  assert.equal(bucket.take(config, 500), true);
  assert.equal(bucket.take(config, 500), false);
  assert.equal(bucket.take({ ...config, enabled: false }, 500), true);
});

void test('faults: a batch matches rules aimed at its commands; seeded draws repeat', () => {
  const rules = [{ method: 'crm.lead.add', errorRate: 1, latencyMs: 5 }];
  assert.deepEqual(decideFault(rules, ['batch', 'crm.lead.add'], new Random(1)), { latencyMs: 5, outcome: 'error' });
  assert.deepEqual(decideFault(rules, ['crm.lead.list'], new Random(1)), { latencyMs: 0, outcome: 'none' });
  const draw = (seed: number) => {
    const random = new Random(seed);
    return Array.from({ length: 40 }, () => decideFault([{ timeoutRate: 0.5 }], ['x'], random).outcome);
  };
  assert.deepEqual(draw(7), draw(7));
  assert.ok(draw(7).includes('timeout') && draw(7).includes('none'), 'a mix of outcomes');
});
