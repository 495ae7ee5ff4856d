import { createBenchEnv, type BenchEnv } from './bench-env';
import type { BenchContext } from './context';
import { floorThroughput } from './floor-throughput';
import { publishPaced } from './load';
import type { MinimalFloor } from './minimal-floor';
import { profiles } from './portals';
import { verdict, type BenchResult } from './report';
import { fixed, formatSummary, ms, summarize, type Summary } from './stats';
import { watchTaskWrites } from './write-clock';

const TARGET_P99_MS = 1000;
/** Ringing + answered, then call.ended this much later: the lead is made "during the call". */
const TALK_MS = 1000;
const WARMUP_CALLS = 5;

/**
 * P1: the latency a manager feels, at half the minimal floor's sustainable rate measured
 * first in this run: `call.answered` on Kafka → the new lead exists in Bitrix24, and
 * `call.ended` on Kafka → the call's last Bitrix24 write; unlimited portal, no injected
 * latency. Baseline: the floor's own round trip at the same rate, `call.ended` on Kafka → its
 * no-op activity — the least any design needs from Kafka to a running activity.
 */
export async function benchP1(ctx: BenchContext): Promise<BenchResult> {
  const env = await createBenchEnv(ctx.stack, 'p1', { main: 'unlimited' });
  let floorRate: number;
  let rate: number;
  let count: number;
  let baseline: Summary;
  let lead: Summary;
  let last: Summary;
  try {
    const floorCount = ctx.size(300, 100);
    ctx.progress(`P1 minimal floor: ${floorCount} calls at once, for its sustainable rate`);
    const run = await floorThroughput(env, floorCount, true);
    floorRate = run.perSecond;
    rate = floorRate / 2;
    // 30 s of calls (quick 10 s), however fast the floor turned out to be.
    count = Math.max(10, Math.round(rate * ctx.size(30, 10)));
    ctx.progress(`P1 minimal floor: ${count} calls at ${fixed(rate, 1)}/s (half its ${fixed(floorRate, 1)}/s)`);
    try {
      baseline = await floorLatency(env, run.floor, rate, count);
    } finally {
      await run.floor.stop();
    }

    ctx.progress(`P1 bridge: ${count} calls at ${fixed(rate, 1)}/s, ${profiles.unlimited.label}`);
    await env.startBridge();
    // Warm-up calls pay for first connections and JIT; they are not measured.
    await bridgeLatency(env, rate, WARMUP_CALLS, 0);
    ({ lead, last } = await bridgeLatency(env, rate, count, TALK_MS));
  } finally {
    await env.stop();
  }

  const complete = lead.count === count && last.count === count;
  const pass = lead.p99 <= TARGET_P99_MS && last.p99 <= TARGET_P99_MS && complete;
  return {
    target: 'p1',
    title: 'latency a manager feels, at half the minimal floor\'s rate',
    goal: `p99 ≤ ${TARGET_P99_MS} ms for call.answered → lead exists and for call.ended → last write, at half the floor's sustainable rate, no injected latency`,
    figures: [
      ['lead', `${formatSummary(lead)}  [call.answered on Kafka → new lead in Bitrix24]`],
      ['last write', `${formatSummary(last)}  [call.ended on Kafka → call's last Bitrix24 write]`],
      ['floor', `${formatSummary(baseline)}  [minimal floor: call.ended on Kafka → its no-op activity]`],
      ['rate', `${fixed(rate, 2)} calls/s = half the floor's ${fixed(floorRate, 2)} calls/s measured just before; ${profiles.unlimited.label}`],
    ],
    verdict: verdict(pass),
    because: `p99 lead ${ms(lead.p99)}, last write ${ms(last.p99)} vs ${TARGET_P99_MS} ms`
      + `${complete ? '' : `; only ${lead.count}/${last.count} of ${count} calls measured`}; the floor's own p99 is ${ms(baseline.p99)}`,
    notes: [
      `calls: incoming, answered by employee 101, new number each (lookup, lead at answer, completed task); call.ended sent ${TALK_MS} ms after ringing+answered`,
      'write moments: when the sandbox finished the request that created the lead / the call\'s task; published = just before producer.send',
    ],
  };
}

function latencies(sentAt: ReadonlyMap<string, number>, doneAt: ReadonlyMap<string, number>): number[] {
  return [...sentAt].flatMap(([callId, at]) => {
    const done = doneAt.get(callId);
    return done === undefined ? [] : [done - at];
  });
}

async function floorLatency(env: BenchEnv, floor: MinimalFloor, rate: number, count: number): Promise<Summary> {
  const before = floor.completedAt.size;
  const run = await publishPaced({ projectId: floor.projectId, ratePerSecond: rate, count, talkMs: TALK_MS, publish: env.publish });
  await floor.waitFor(before + count, count * 1_000 + 120_000);
  return summarize(latencies(run.endedAt, floor.completedAt));
}

async function bridgeLatency(env: BenchEnv, rate: number, count: number, talkMs: number): Promise<{ lead: Summary; last: Summary }> {
  const clock = watchTaskWrites(env.sandbox, env.projects.main as string);
  try {
    const run = await publishPaced({ projectId: env.projects.main as string, ratePerSecond: rate, count, talkMs, publish: env.publish });
    await clock.waitFor(count, count * 1_000 + 180_000);
    return { lead: summarize(latencies(run.answeredAt, clock.leadAt)), last: summarize(latencies(run.endedAt, clock.writtenAt)) };
  } finally {
    clock.detach();
  }
}
