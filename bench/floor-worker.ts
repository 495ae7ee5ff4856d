import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import type { Producer } from 'kafkajs';
import { createKafka } from '../lib/kafka';
import type { Logger } from '../lib/logger';
import { callEventKey, type CallEvent } from '../schemas/call-event';
import { bridgeConfigSchema } from '../schemas/project-config';
import { clientLockWorkflowId } from '../schemas/workflow-io';
import { acquireClientLockSignal, releaseClientLockSignal } from '../workflows/messages';
import { startFloorDispatcher, type FloorDispatcher } from './floor-dispatcher';
import { FLOOR_TASK_QUEUE, type FloorActivities } from './floor-types';
import type { BenchStack } from './stack';

/**
 * The platform floor, running: its own topic, a dispatcher shaped like the bridge's, and a
 * worker for bench/floor-workflows.ts with the bridge worker's concurrency settings. Its
 * last activity stamps each call, the counterpart of the sandbox's task write for the bridge.
 */
export interface Floor {
  projectId: string;
  completedAt: ReadonlyMap<string, number>;
  publish(events: readonly CallEvent[]): Promise<void>;
  waitFor(count: number, timeoutMs: number): Promise<void>;
  temporal: Client;
  stop(): Promise<void>;
}

export async function startFloor(stack: BenchStack, name: string, logger: Logger): Promise<Floor> {
  const suffix = randomUUID().slice(0, 8);
  const projectId = `floor-${name}-${suffix}`;
  const topic = `bench-floor-${name}-${suffix}`;
  // The dispatcher validates events against a config, as the bridge's does; the webhook is never used.
  const config = bridgeConfigSchema.parse({
    projects: [{ id: projectId, seniorManager: 1, bitrix24: { webhookUrl: 'http://127.0.0.1:1/rest/1/unused/' } }],
  });
  const kafka = createKafka({ brokers: stack.kafkaBrokers, clientId: `bench-floor-${name}`, logger });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 6 }], waitForLeaders: true });
  await admin.disconnect();
  const producer: Producer = kafka.producer();
  await producer.connect();

  const connection = await Connection.connect({ address: stack.temporalAddress });
  const temporal = new Client({ connection });
  const completedAt = new Map<string, number>();
  let waiter: { count: number; resolve: () => void } | undefined;
  const activities: FloorActivities = {
    settings: async () => undefined,
    lookup: async () => undefined,
    createEntities: async () => undefined,
    async requestLock({ projectId: project, e164, holder }) {
      await temporal.workflow.signalWithStart('clientLockWorkflow', {
        workflowId: clientLockWorkflowId(project, e164), taskQueue: FLOOR_TASK_QUEUE,
        args: [[]], signal: acquireClientLockSignal, signalArgs: [{ holder }],
      });
    },
    async releaseLock({ projectId: project, e164, holder }) {
      await temporal.workflow.getHandle(clientLockWorkflowId(project, e164)).signal(releaseClientLockSignal, { holder });
    },
    async createTasks({ callId }) {
      completedAt.set(callId, Date.now());
      if (waiter && completedAt.size >= waiter.count) waiter.resolve();
    },
  };

  const native = await NativeConnection.connect({ address: stack.temporalAddress });
  const worker = await Worker.create({
    connection: native,
    taskQueue: FLOOR_TASK_QUEUE,
    workflowBundle: await floorBundle(),
    activities,
    // As workers/temporal-worker.ts, so both sides get the same slots and cache.
    maxConcurrentActivityTaskExecutions: 200,
    maxCachedWorkflows: 2000,
  });
  const workerRun = worker.run();
  const dispatcher: FloorDispatcher = await startFloorDispatcher({ kafka, temporal, config, topic, groupId: `bench-floor-${suffix}` });

  return {
    projectId, completedAt, temporal,
    async publish(events) {
      await producer.send({ topic, messages: events.map((event) => ({ key: callEventKey(event), value: JSON.stringify(event) })) });
    },
    waitFor(count, timeoutMs) {
      if (completedAt.size >= count) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`floor: only ${completedAt.size} of ${count} calls done within ${timeoutMs} ms`)), timeoutMs);
        waiter = { count, resolve: () => { clearTimeout(timer); waiter = undefined; resolve(); } };
      });
    },
    async stop() {
      await dispatcher.stop();
      await producer.disconnect();
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
  bundle ??= bundleWorkflowCode({ workflowsPath: require.resolve('./floor-workflows'), logger: quietBundler });
  return bundle;
}

const quiet = () => undefined;
const quietBundler = {
  trace: quiet, debug: quiet, info: quiet, log: quiet,
  warn: (message: string) => process.stderr.write(`[floor bundler] ${message}\n`),
  error: (message: string) => process.stderr.write(`[floor bundler] ${message}\n`),
};
