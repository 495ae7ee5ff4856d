import { createLogger } from '../lib/logger';
import { createBenchEnv, type BenchEnv } from './bench-env';
import type { BenchContext } from './context';
import { startFloor, type Floor } from './floor-worker';
import { publishPaced } from './load';
import { profiles, type PortalProfile } from './portals';
import { verdict, type BenchResult } from './report';
import { formatSummary, ms, summarize, type Summary } from './stats';
import { watchTaskWrites } from './write-clock';

const RATE = 10;
/** Also measured well below what this box's platform sustains: the latency without queueing. */
const LIGHT_RATE = 2;
const TARGET_P99_MS = 500;
/** Ringing + answered, then call.ended this much later: the lead is made "during the call". */
const TALK_MS = 1000;
const WARMUP_CALLS = 5;

/**
 * P1: from call.ended on Kafka to the call's last Bitrix24 write, at 10 calls/s. Baseline:
 * the same calls through the platform floor (Kafka → signal-with-start → the same workflow
 * shape with no-op activities), from call.ended to its last no-op activity. Both again at a
 * light rate, so that a platform that cannot sustain 10 calls/s on this box still yields the
 * bridge's own latency beside the floor's.
 */
export async function benchP1(ctx: BenchContext): Promise<BenchResult> {
  const count = ctx.size(RATE * 30, RATE * 10);
  const lightCount = ctx.size(LIGHT_RATE * 30, LIGHT_RATE * 10);

  const floor = await startFloor(ctx.stack, 'p1', createLogger({ level: 'error' }));
  let baseline: Summary;
  let lightBaseline: Summary;
  try {
    await floorLatency(floor, RATE, WARMUP_CALLS, 0);
    ctx.progress(`P1 baseline: ${count} calls through the platform floor at ${RATE}/s, then ${lightCount} at ${LIGHT_RATE}/s`);
    baseline = await floorLatency(floor, RATE, count, TALK_MS);
    lightBaseline = await floorLatency(floor, LIGHT_RATE, lightCount, TALK_MS);
  } finally {
    await floor.stop();
  }

  const env = await createBenchEnv(ctx.stack, 'p1', { unlimited: 'unlimited', standard: 'standard' });
  let main: Summary;
  let light: Summary;
  let standard: Summary;
  try {
    await env.startBridge();
    ctx.progress(`P1 bridge, ${profiles.unlimited.label}: ${count} calls at ${RATE}/s, then ${lightCount} at ${LIGHT_RATE}/s`);
    // Warm-up calls pay for first connections and JIT; they are not measured.
    await bridgeLatency(env, 'unlimited', RATE, WARMUP_CALLS, 0);
    main = await bridgeLatency(env, 'unlimited', RATE, count, TALK_MS);
    light = await bridgeLatency(env, 'unlimited', LIGHT_RATE, lightCount, TALK_MS);
    ctx.progress(`P1 bridge, ${profiles.standard.label}: ${count} calls at ${RATE}/s`);
    await bridgeLatency(env, 'standard', RATE, WARMUP_CALLS, 0);
    standard = await bridgeLatency(env, 'standard', RATE, count, TALK_MS);
  } finally {
    await env.stop();
  }

  const pass = main.p99 <= TARGET_P99_MS && main.count === count;
  return {
    target: 'p1',
    title: 'end-to-end latency: call.ended on Kafka → last Bitrix24 write',
    goal: `p99 ≤ ${TARGET_P99_MS} ms at ${RATE} calls/s, sandbox with no injected latency`,
    figures: [
      ['bridge', `${formatSummary(main)}  [${RATE}/s, ${profiles.unlimited.label}]`],
      ['baseline', `${formatSummary(baseline)}  [${RATE}/s, platform floor: same Kafka + Temporal, same workflow shape, no-op activities]`],
      ['bridge', `${formatSummary(light)}  [${LIGHT_RATE}/s, unlimited portal]`],
      ['baseline', `${formatSummary(lightBaseline)}  [${LIGHT_RATE}/s, platform floor]`],
      ['bridge (std)', `${formatSummary(standard)}  [${RATE}/s, ${profiles.standard.label}]`],
    ],
    verdict: verdict(pass),
    because: `p99 ${ms(main.p99)} ${main.p99 <= TARGET_P99_MS ? '≤' : '>'} ${TARGET_P99_MS} ms at ${RATE}/s (unlimited portal)`
      + `${main.count < count ? `; only ${main.count}/${count} calls measured` : ''}; the platform floor's own p99 at ${RATE}/s is ${ms(baseline.p99)}`,
    notes: [
      `calls: incoming, answered, new number each (lookup, lead, completed task); call.ended sent ${TALK_MS} ms after ringing+answered`,
      'last write = the moment the sandbox finished the request that created the call\'s task; published = just before producer.send',
      'verdict on the unlimited portal ("no injected latency"); on the standard plan a step may wait up to 1/2 s for a request slot once the burst is spent',
    ],
  };
}

function latencies(endedAt: ReadonlyMap<string, number>, doneAt: ReadonlyMap<string, number>): number[] {
  return [...endedAt].flatMap(([callId, at]) => {
    const done = doneAt.get(callId);
    return done === undefined ? [] : [done - at];
  });
}

async function floorLatency(floor: Floor, rate: number, count: number, talkMs: number): Promise<Summary> {
  const before = floor.completedAt.size;
  const run = await publishPaced({ projectId: floor.projectId, ratePerSecond: rate, count, talkMs, publish: floor.publish });
  await floor.waitFor(before + count, count * 1_000 + 120_000);
  return summarize(latencies(run.endedAt, floor.completedAt));
}

async function bridgeLatency(env: BenchEnv, profile: PortalProfile, rate: number, count: number, talkMs: number): Promise<Summary> {
  const projectId = env.projects[profile] as string;
  const clock = watchTaskWrites(env.sandbox, projectId);
  try {
    const run = await publishPaced({ projectId, ratePerSecond: rate, count, talkMs, publish: env.publish });
    await clock.waitFor(count, count * 1_000 + 180_000);
    return summarize(latencies(run.endedAt, clock.writtenAt));
  } finally {
    clock.detach();
  }
}
