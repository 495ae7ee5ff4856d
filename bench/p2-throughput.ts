import { callWorkflowId, clientLockWorkflowId } from '../schemas/workflow-io';
import { createBenchEnv } from './bench-env';
import type { BenchContext } from './context';
import { floorThroughput, throughput, type ThroughputRun } from './floor-throughput';
import { formatShape, sameShape, shapeOf } from './history-shape';
import { publishBulk, publishPaced } from './load';
import { profiles } from './portals';
import { verdict, type BenchResult } from './report';
import { fixed } from './stats';
import { watchTaskWrites } from './write-clock';

const TARGET_RATIO = 0.7;
const WARMUP_CALLS = 5;

/**
 * P2: N whole calls put on Kafka at once; calls/s = N / (first publish → last call's last
 * write). The floor does the same N calls through the same Kafka and Temporal with no-op
 * activities (bench/floor-workflows.ts). The bridge runs against an unlimited portal: with
 * Bitrix24's 2 req/s the ceiling would be Bitrix24's, not the bridge's.
 */
export async function benchP2(ctx: BenchContext): Promise<BenchResult> {
  const count = ctx.size(500, 150);
  const timeoutMs = count * 1_000 + 120_000;

  ctx.progress(`P2 floor: ${count} calls through the platform floor`);
  const floorRun = await floorThroughput(ctx, 'p2', count);

  ctx.progress(`P2 bridge: ${count} calls, ${profiles.unlimited.label}`);
  const env = await createBenchEnv(ctx.stack, 'p2', { main: 'unlimited' });
  let bridgeRun: ThroughputRun;
  try {
    const projectId = env.projects.main as string;
    const clock = watchTaskWrites(env.sandbox, projectId);
    await env.startBridge();
    await publishPaced({ projectId, ratePerSecond: 10, count: WARMUP_CALLS, talkMs: 0, publish: env.publish });
    await clock.waitFor(WARMUP_CALLS, 60_000);
    const start = Date.now();
    const calls = await publishBulk(projectId, count, env.publish);
    await clock.waitFor(WARMUP_CALLS + count, timeoutMs);
    const end = Math.max(...calls.map((c) => clock.writtenAt.get(c.callId) ?? 0));
    clock.detach();
    const sample = calls[0]!;
    const shape = await shapeOf(env.temporal, [callWorkflowId(projectId, sample.callId), clientLockWorkflowId(projectId, sample.clientE164)]);
    bridgeRun = throughput(count, end - start, shape);
  } finally {
    await env.stop();
  }

  const ratio = bridgeRun.perSecond / floorRun.perSecond;
  const shapesMatch = sameShape(bridgeRun.shape, floorRun.shape);
  return {
    target: 'p2',
    title: 'sustained throughput vs the platform floor',
    goal: `≥ ${TARGET_RATIO * 100}% of the floor (same Kafka + Temporal, same workflows/signals/activities, no-op activities)`,
    figures: [
      ['bridge', `${fixed(bridgeRun.perSecond)} calls/s  (${count} calls in ${fixed(bridgeRun.seconds, 1)} s)  [${profiles.unlimited.label}]`],
      ['floor', `${fixed(floorRun.perSecond)} calls/s  (${count} calls in ${fixed(floorRun.seconds, 1)} s)`],
      ['ratio', `${fixed(ratio * 100, 0)}% of the floor`],
      ['per call', `bridge: ${formatShape(bridgeRun.shape)}`],
      ['', `floor:  ${formatShape(floorRun.shape)}${shapesMatch ? '' : '  ← SHAPES DIFFER: the floor no longer mirrors the call workflow'}`],
    ],
    verdict: verdict(ratio >= TARGET_RATIO),
    because: `${fixed(ratio * 100, 0)}% ${ratio >= TARGET_RATIO ? '≥' : '<'} ${TARGET_RATIO * 100}%`,
    notes: [
      'calls: incoming, answered, new number each; all events of all calls on Kafka at once; the floor runs first, then the bridge',
      'time = first publish → last call\'s task written (bridge) / last no-op activity run (floor)',
    ],
  };
}
