import type { BenchEnv } from './bench-env';
import { publishBulk, publishPaced } from './load';
import type { MinimalFloor } from './minimal-floor';

export interface ThroughputRun {
  calls: number;
  seconds: number;
  perSecond: number;
}

export interface FloorRun extends ThroughputRun {
  /** Workflow id of one of the floor's calls, for its history (what a floor call costs). */
  sampleWorkflowId: string;
}

export function throughput(calls: number, elapsedMs: number): ThroughputRun {
  return { calls, seconds: elapsedMs / 1000, perSecond: calls / (elapsedMs / 1000) };
}

const WARMUP_CALLS = 5;

/** Wraps the timed burst alone (not the floor's start, warm-up or stop): P2 reads the server's work around it. */
export type AroundBurst = <T>(burst: () => Promise<T>) => Promise<T>;

/**
 * The minimal floor's sustainable rate: N whole calls on the env's topic at once, calls/s =
 * N / (first publish → last call's no-op activity). P2's denominator, P1's "half the floor's
 * rate", P4's "what the floor sustains". Leaves the floor running for the caller when asked
 * (P1 measures its latency next), else stops it.
 */
export async function floorThroughput(env: BenchEnv, count: number, keep?: false, around?: AroundBurst): Promise<FloorRun>;
export async function floorThroughput(env: BenchEnv, count: number, keep: true, around?: AroundBurst): Promise<FloorRun & { floor: MinimalFloor }>;
export async function floorThroughput(
  env: BenchEnv, count: number, keep = false, around: AroundBurst = (burst) => burst(),
): Promise<FloorRun & { floor?: MinimalFloor }> {
  const floor = await env.startFloor();
  try {
    // Warm-up: the consumer group joins and the first workflow tasks pay for JIT; not timed.
    await publishPaced({ projectId: floor.projectId, ratePerSecond: 10, count: WARMUP_CALLS, talkMs: 0, publish: env.publish });
    await floor.waitFor(WARMUP_CALLS, 60_000);
    const start = Date.now();
    const calls = await around(async () => {
      const published = await publishBulk(floor.projectId, count, env.publish);
      await floor.waitFor(WARMUP_CALLS + count, count * 1_000 + 120_000);
      return published;
    });
    const end = Math.max(...calls.map((c) => floor.completedAt.get(c.callId) ?? 0));
    return { ...throughput(count, end - start), sampleWorkflowId: floor.workflowId(calls[0]!.callId), ...(keep ? { floor } : {}) };
  } finally {
    if (!keep) await floor.stop();
  }
}
