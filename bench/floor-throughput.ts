import { createLogger } from '../lib/logger';
import { clientLockWorkflowId } from '../schemas/workflow-io';
import type { BenchContext } from './context';
import { startFloor } from './floor-worker';
import { shapeOf, type Shape } from './history-shape';
import { publishBulk, publishPaced } from './load';

export interface ThroughputRun {
  calls: number;
  seconds: number;
  perSecond: number;
  shape: Shape;
}

export function throughput(calls: number, elapsedMs: number, shape: Shape): ThroughputRun {
  return { calls, seconds: elapsedMs / 1000, perSecond: calls / (elapsedMs / 1000), shape };
}

const WARMUP_CALLS = 5;

/**
 * The platform floor's throughput: N whole calls on Kafka at once through the floor, calls/s
 * = N / (first publish → last call done). P2's denominator, and P4's "how fast could this
 * box go with Bitrix24 free".
 */
export async function floorThroughput(ctx: BenchContext, name: string, count: number): Promise<ThroughputRun> {
  const floor = await startFloor(ctx.stack, name, createLogger({ level: 'error' }));
  try {
    // Warm-up: the consumer group joins and the first workflow tasks pay for JIT; not timed.
    await publishPaced({ projectId: floor.projectId, ratePerSecond: 10, count: WARMUP_CALLS, talkMs: 0, publish: floor.publish });
    await floor.waitFor(WARMUP_CALLS, 60_000);
    const start = Date.now();
    const calls = await publishBulk(floor.projectId, count, floor.publish);
    await floor.waitFor(WARMUP_CALLS + count, count * 1_000 + 120_000);
    const end = Math.max(...calls.map((c) => floor.completedAt.get(c.callId) ?? 0));
    const sample = calls[0]!;
    const shape = await shapeOf(floor.temporal, [`floor:${floor.projectId}:${sample.callId}`, clientLockWorkflowId(floor.projectId, sample.clientE164)]);
    return throughput(count, end - start, shape);
  } finally {
    await floor.stop();
  }
}
