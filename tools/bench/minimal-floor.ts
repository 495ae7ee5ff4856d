import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import { createKafka } from '../../platform/kafka';
import type { Logger } from '../../platform/logger';
import { bridgeConfigSchema } from '../../schemas/project-config';
import { minimalFloorTarget, startFloorDispatcher, type FloorDispatcher } from './floor-dispatcher';
import { MINIMAL_FLOOR_TASK_QUEUE, type MinimalFloorActivities } from './minimal-floor-types';
import { placeGroup, topicEnd } from './topic-position';

/**
 * The minimal floor, running: its worker (tools/bench/minimal-floor-workflow.ts, served on its own
 * task queue with the bridge worker's slot and cache settings) and its dispatcher, a consumer
 * group on the benchmark's own topic placed at the topic's end, so it sees only the floor's
 * calls published from now on. Its project id is its own; calls are published with the
 * benchmark's producer like the bridge's. The no-op activity notes when each call ended: the
 * counterpart of the sandbox's last write for the bridge.
 */
export interface MinimalFloor {
  projectId: string;
  /** callId → ms epoch when its no-op activity ran. */
  completedAt: ReadonlyMap<string, number>;
  workflowId(callId: string): string;
  waitFor(count: number, timeoutMs: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startMinimalFloor(options: {
  temporalAddress: string; kafkaBrokers: string[]; topic: string; name: string; logger: Logger;
}): Promise<MinimalFloor> {
  const suffix = randomUUID().slice(0, 8);
  const projectId = `floor-${options.name}-${suffix}`;
  // The dispatcher validates events against a config, as the bridge's does; the webhook is never used.
  const config = bridgeConfigSchema.parse({
    projects: [{ id: projectId, seniorManager: 1, bitrix24: { webhookUrl: 'http://127.0.0.1:1/rest/1/unused/' } }],
  });
  const kafka = createKafka({ brokers: options.kafkaBrokers, clientId: `bench-floor-${options.name}`, logger: options.logger });
  const connection = await Connection.connect({ address: options.temporalAddress });
  const temporal = new Client({ connection });
  const completedAt = new Map<string, number>();
  let waiter: { count: number; resolve: () => void } | undefined;
  const activities: MinimalFloorActivities = {
    async callEnded({ callId }) {
      completedAt.set(callId, Date.now());
      if (waiter && completedAt.size >= waiter.count) waiter.resolve();
    },
  };

  const native = await NativeConnection.connect({ address: options.temporalAddress });
  const worker = await Worker.create({
    connection: native,
    taskQueue: MINIMAL_FLOOR_TASK_QUEUE,
    workflowBundle: await floorBundle(),
    activities,
    // As workers/temporal-worker.ts, so both sides get the same slots and cache.
    maxConcurrentActivityTaskExecutions: 200,
    maxCachedWorkflows: Number(process.env.WORKER_MAX_CACHED_WORKFLOWS ?? 250),
  });
  const workerRun = worker.run();
  const groupId = `bench-floor-${suffix}`;
  await placeGroup(kafka, groupId, options.topic, await topicEnd(kafka, options.topic));
  const dispatcher: FloorDispatcher = await startFloorDispatcher({ kafka, temporal, config, topic: options.topic, groupId });

  return {
    projectId, completedAt,
    workflowId: (callId) => minimalFloorTarget.workflowId(projectId, callId),
    waitFor(count, timeoutMs) {
      if (completedAt.size >= count) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`floor: only ${completedAt.size} of ${count} calls done within ${timeoutMs} ms`)), timeoutMs);
        waiter = { count, resolve: () => { clearTimeout(timer); waiter = undefined; resolve(); } };
      });
    },
    async stop() {
      await dispatcher.stop();
      worker.shutdown();
      await workerRun.catch(() => undefined);
      await native.close();
      await connection.close();
    },
  };
}

let bundle: ReturnType<typeof bundleWorkflowCode> | undefined;
/** Bundled once per process, like the bridge's (bundling takes seconds). */
function floorBundle(): ReturnType<typeof bundleWorkflowCode> {
  bundle ??= bundleWorkflowCode({ workflowsPath: require.resolve('./minimal-floor-workflow'), logger: quietBundler });
  return bundle;
}

const quiet = () => undefined;
const quietBundler = {
  trace: quiet, debug: quiet, info: quiet, log: quiet,
  warn: (message: string) => process.stderr.write(`[floor bundler] ${message}\n`),
  error: (message: string) => process.stderr.write(`[floor bundler] ${message}\n`),
};
