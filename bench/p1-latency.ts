import { createLogger } from '../lib/logger';
import { createBenchEnv } from './bench-env';
import type { BenchContext } from './context';
import { startFloor } from './floor-worker';
import { publishPaced } from './load';
import { profiles, type PortalProfile } from './portals';
import { verdict, type BenchResult } from './report';
import { formatSummary, ms, summarize, type Summary } from './stats';
import { watchTaskWrites } from './write-clock';

const RATE = 10;
const TARGET_P99_MS = 500;
/** Ringing + answered, then call.ended this much later: the lead is made "during the call". */
const TALK_MS = 1000;
const WARMUP_CALLS = 5;

/**
 * P1: from call.ended on Kafka to the call's last Bitrix24 write, at 10 calls/s. Baseline:
 * the same calls through the platform floor (Kafka → signal-with-start → the same workflow
 * shape with no-op activities), from call.ended to its last no-op activity.
 */
export async function benchP1(ctx: BenchContext): Promise<BenchResult> {
  const count = ctx.size(RATE * 30, RATE * 10);
  const latencies = (endedAt: ReadonlyMap<string, number>, doneAt: ReadonlyMap<string, number>): number[] =>
    [...endedAt].flatMap(([callId, at]) => {
      const done = doneAt.get(callId);
      return done === undefined ? [] : [done - at];
    });

  ctx.progress(`P1 baseline: ${count} calls through the platform floor at ${RATE}/s`);
  const floor = await startFloor(ctx.stack, 'p1', createLogger({ level: 'error' }));
  let baseline: Summary;
  try {
    await floorRun(floor, WARMUP_CALLS, 30_000);
    const floorStart = floor.completedAt.size;
    const run = await publishPaced({ projectId: floor.projectId, ratePerSecond: RATE, count, talkMs: TALK_MS, publish: floor.publish });
    await floor.waitFor(floorStart + count, 120_000);
    baseline = summarize(latencies(run.endedAt, floor.completedAt));
  } finally {
    await floor.stop();
  }

  const env = await createBenchEnv(ctx.stack, 'p1', { unlimited: 'unlimited', standard: 'standard' });
  const measured: Partial<Record<PortalProfile, Summary>> = {};
  try {
    await env.startBridge();
    for (const profile of ['unlimited', 'standard'] as const) {
      const projectId = env.projects[profile] as string;
      const clock = watchTaskWrites(env.sandbox, projectId);
      try {
        ctx.progress(`P1 bridge, ${profiles[profile].label}: ${count} calls at ${RATE}/s`);
        // Warm-up calls pay for first connections and JIT; they are not measured.
        const warm = await publishPaced({ projectId, ratePerSecond: RATE, count: WARMUP_CALLS, talkMs: 0, publish: env.publish });
        await clock.waitFor(warm.callIds.length, 60_000);
        const run = await publishPaced({ projectId, ratePerSecond: RATE, count, talkMs: TALK_MS, publish: env.publish });
        await clock.waitFor(WARMUP_CALLS + count, 180_000);
        measured[profile] = summarize(latencies(run.endedAt, clock.writtenAt));
      } finally {
        clock.detach();
      }
    }
  } finally {
    await env.stop();
  }

  const main = measured.unlimited as Summary;
  const standard = measured.standard as Summary;
  return {
    target: 'p1',
    title: 'end-to-end latency: call.ended on Kafka → last Bitrix24 write',
    goal: `p99 ≤ ${TARGET_P99_MS} ms at ${RATE} calls/s, sandbox with no injected latency`,
    figures: [
      ['bridge', `${formatSummary(main)}  [${profiles.unlimited.label}]`],
      ['bridge (std)', `${formatSummary(standard)}  [${profiles.standard.label}]`],
      ['baseline', `${formatSummary(baseline)}  [platform floor: same Kafka + Temporal, same workflow shape, no-op activities]`],
      ['overhead', `p99 ${ms(main.p99 - baseline.p99)} over the platform round trip (unlimited portal)`],
    ],
    verdict: verdict(main.p99 <= TARGET_P99_MS && main.count === count),
    because: `p99 ${ms(main.p99)} ${main.p99 <= TARGET_P99_MS ? '≤' : '>'} ${TARGET_P99_MS} ms (unlimited portal)`
      + `${main.count < count ? `; only ${main.count}/${count} calls measured` : ''}; standard plan p99 ${ms(standard.p99)}, platform round trip p99 ${ms(baseline.p99)}`,
    notes: [
      `calls: incoming, answered, new number each (lookup, lead, completed task); call.ended sent ${TALK_MS} ms after ringing+answered`,
      'last write = the moment the sandbox finished the request that created the call\'s task; published = just before producer.send',
      'verdict on the unlimited portal ("no injected latency"); on the standard plan a step may wait up to 1/2 s for a request slot once the burst is spent',
    ],
  };
}

async function floorRun(floor: Awaited<ReturnType<typeof startFloor>>, calls: number, timeoutMs: number): Promise<void> {
  const before = floor.completedAt.size;
  await publishPaced({ projectId: floor.projectId, ratePerSecond: RATE, count: calls, talkMs: 0, publish: floor.publish });
  await floor.waitFor(before + calls, timeoutMs);
}
