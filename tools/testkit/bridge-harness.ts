import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import type { Kafka, Producer } from 'kafkajs';
import { startSandbox, type Sandbox } from '../sandbox';
import { callEventKey, type CallEvent } from '../../schemas/call-event';
import { bridgeConfigSchema, type BridgeConfig } from '../../schemas/project-config';
import type { CallResult } from '../../schemas/workflow-io';
import { callStateQuery, callWorkflowId } from '../../workflows/contract';
import { createKafka } from '../../platform/kafka';
import { createLogger } from '../../platform/logger';
import { startBridge, type RunningBridge } from '../../workers/bridge';
import { installTemporalLogging } from '../../observability/temporal-logging';
import { stackEnv } from './stack-env';
import { waitForFullIsr } from '../infra/cluster/kafka-cluster';
import { createSecretBox, newSecretKey, parseSecretKeys, type SecretBox } from '../../integration/secret-box';
import { toolWorkerTuning } from './worker-tuning';

/** Users of every test portal: 1 is the senior manager; 7, 8, 9 are employees 101–103. */
export const portalUsers = [
  { id: 1, name: 'Senior', lastName: 'Manager', extension: '100' },
  { id: 7, name: 'Olena', lastName: 'Koval', extension: '101' },
  { id: 8, name: 'Petro', lastName: 'Shevchenko', extension: '102' },
  { id: 9, name: 'Iryna', lastName: 'Bondar', extension: '103' },
];
export const employees = [
  { code: '101', name: 'Olena Koval', bitrix24UserId: 7, extension: '101', sip: ['olena_sip'], phones: ['+380671112233'], missedCallDistribution: true },
  { code: '102', name: 'Petro Shevchenko', bitrix24UserId: 8, extension: '102', sip: ['petro_sip'], phones: [], missedCallDistribution: true },
  { code: '103', name: 'Iryna Bondar', bitrix24UserId: 9, extension: '103', sip: [], phones: [], missedCallDistribution: false },
];

export type ProjectOverrides = Record<string, unknown> & { id?: string };

export interface Harness {
  config: BridgeConfig;
  sandbox: Sandbox;
  bridge: RunningBridge;
  topic: string;
  /** A temp folder of the test's own (the CLI's config file); the bridge writes nothing to disk. */
  workDir: string;
  /** BRIDGE_SECRET_KEY of this harness's deployment, and its box. */
  secretKey: string;
  secrets: SecretBox;
  temporalAddress: string;
  /** Project ids as created (unique per harness). */
  projectIds: string[];
  logLines: string[];
  publish(events: CallEvent[] | CallEvent, options?: { timestamp?: Date }): Promise<void>;
  publishRaw(value: string | Buffer, key?: string): Promise<void>;
  callResult(projectId: string, callId: string, timeoutMs?: number): Promise<CallResult>;
  /** Stops the bridge, runs `between` (e.g. restart Temporal), starts it again. */
  restartBridge(between?: () => Promise<void>): Promise<void>;
  stop(): Promise<void>;
}

/** What a call that did not finish in time is doing: its status and pending activities, so a flaky failure explains itself. */
async function describeStuck(handle: WorkflowHandle): Promise<string> {
  try {
    const { status, raw } = await handle.describe();
    const pending = (raw.pendingActivities ?? []).map((a) =>
      `${a.activityType?.name ?? '?'} attempt ${a.attempt ?? 0} (${a.state ?? '?'})${a.lastFailure?.message ? ` last failure: ${a.lastFailure.message}` : ''}`);
    const timers = raw.pendingWorkflowTask ? ' workflow task pending;' : '';
    const state = await handle.query(callStateQuery).then((q) => `phase ${q.phase}, failures ${JSON.stringify(q.result.failures)}`, (err: Error) => `no state (${err.message})`);
    return `status ${status.name}; ${state};${timers} pending activities: ${pending.length ? pending.join('; ') : 'none'}`;
  } catch (err) {
    return `not described (${(err as Error).message})`;
  }
}

/** A test's own topic (3 partitions) and its DLQ, and a producer connected to them. */
export async function createTestTopic(kafka: Kafka, topic: string, brokers: string[]): Promise<Producer> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    // Not kafkajs's waitForLeaders: on a cluster (STACK=cluster) the node it asks may not know the
    // new topic yet and it gives up on UNKNOWN_TOPIC_OR_PARTITION; waitForFullIsr asks every node.
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }, { topic: `${topic}.dlq`, numPartitions: 1 }], waitForLeaders: false });
  } finally {
    // An open admin connection would keep a failed test file's process alive.
    await admin.disconnect();
  }
  await waitForFullIsr(brokers, [topic, `${topic}.dlq`]);
  const producer = kafka.producer();
  await producer.connect();
  return producer;
}

/**
 * One bridge against the real Kafka and Temporal of the test stack and an in-process Bitrix24
 * sandbox, with its own topic, consumer group and projects so test files do not interfere.
 */
export async function startHarness(options: { projects: ProjectOverrides[]; sandboxRateLimit?: boolean; temporalAddress?: string }): Promise<Harness> {
  const { kafkaBrokers } = stackEnv();
  const temporalAddress = options.temporalAddress ?? stackEnv().temporalAddress;
  const suffix = randomUUID().slice(0, 8);
  const sandbox = await startSandbox({ port: 0, rateLimit: { enabled: options.sandboxRateLimit ?? false, perSecond: 2, burst: 50 } });
  const projects = options.projects.map((overrides, i) => {
    const id = `${overrides.id ?? `p${i}`}-${suffix}`;
    sandbox.admin.createPortal({ id, users: portalUsers, dealCategories: [{ id: 3, name: 'Нова' }] });
    const webhookUrl = sandbox.admin.createWebhook(id, 1);
    // A project may set its Bitrix24 settings (its rate limit, say); the webhook is always the sandbox's.
    const bitrix24 = { ...(overrides.bitrix24 as Record<string, unknown> | undefined), webhookUrl };
    return { timeZone: 'Europe/Kyiv', defaultCountry: 'UA', seniorManager: 1, employees, ...overrides, id, bitrix24 };
  });
  const config = bridgeConfigSchema.parse({ projects });
  const topic = `test-events-${suffix}`;
  const kafka = createKafka({ brokers: kafkaBrokers, clientId: 'test-harness', logger: createLogger({ level: 'error' }) });
  const producer = await createTestTopic(kafka, topic, kafkaBrokers);

  const logLines: string[] = [];
  const sink = new Writable({ write(chunk, _enc, done) { logLines.push(String(chunk)); done(); } });
  const logger = createLogger({ level: 'debug', destination: sink });
  // The SDK's own logs join the harness's log lines (R4 tests grep them) instead of the console.
  installTemporalLogging(logger);
  // The CLI's config file lives here; the bridge itself keeps nothing on disk (R7).
  const workDir = await mkdtemp(join(tmpdir(), 'bridge-harness-'));
  const secretKey = newSecretKey();
  const secrets = createSecretBox(parseSecretKeys(secretKey));
  const start = () => startBridge({
    config, temporalAddress, kafkaBrokers, topic, dlqTopic: `${topic}.dlq`, secrets, logger, groupId: `dispatcher-${suffix}`,
    workerTuning: toolWorkerTuning(),
  });
  let bridge = await start();

  const harness: Harness = {
    config, sandbox, topic, logLines, workDir, secretKey, secrets, temporalAddress,
    get bridge() { return bridge; },
    projectIds: projects.map((p) => p.id),
    async publish(events, publishOptions) {
      const list = Array.isArray(events) ? events : [events];
      await producer.send({
        topic,
        messages: list.map((event) => ({
          key: callEventKey(event), value: JSON.stringify(event),
          ...(publishOptions?.timestamp ? { timestamp: String(publishOptions.timestamp.getTime()) } : {}),
        })),
      });
    },
    async publishRaw(value, key) {
      await producer.send({ topic, messages: [{ key: key ?? null, value }] });
    },
    async callResult(projectId, callId, timeoutMs = 60_000) {
      const handle = bridge.temporal.workflow.getHandle(callWorkflowId(projectId, callId));
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        // Cleared once the race is decided: a pending timer kept the test process alive until the deadline.
        let timer: NodeJS.Timeout | undefined;
        try {
          return await Promise.race([
            handle.result() as Promise<CallResult>,
            new Promise<never>((_, reject) => {
              timer = setTimeout(() => {
                void describeStuck(handle).then((why) => reject(new Error(`call ${callId} did not complete in ${timeoutMs} ms: ${why}`)));
              }, Math.max(deadline - Date.now(), 1));
            }),
          ]);
        } catch (err) {
          // The workflow may not exist yet: the dispatcher has not reached its events.
          if ((err as Error).name === 'WorkflowNotFoundError' && Date.now() < deadline) {
            await new Promise((r) => setTimeout(r, 200));
            continue;
          }
          if (err instanceof WorkflowFailedError) throw new Error(`call ${callId} failed: ${err.cause?.message ?? err.message}`);
          throw err;
        } finally {
          clearTimeout(timer);
        }
      }
    },
    async restartBridge(between?: () => Promise<void>) {
      await bridge.stop();
      await between?.();
      bridge = await start();
    },
    async stop() {
      await bridge.stop();
      await producer.disconnect();
      await sandbox.stop();
      await rm(workDir, { recursive: true, force: true });
    },
  };
  return harness;
}
