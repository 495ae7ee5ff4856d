import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { Client, Connection } from '@temporalio/client';
import type { Kafka, Producer } from 'kafkajs';
import { startSandbox, type Sandbox } from '../sandbox';
import { callEventKey, type CallEvent } from '../../schemas/call-event';
import { bridgeConfigSchema, type BridgeConfig } from '../../schemas/project-config';
import { createKafka } from '../../platform/kafka';
import { createLogger, type Logger } from '../../platform/logger';
import { createSecretBox, newSecretKey, parseSecretKeys, type SecretBox } from '../../integration/secret-box';
import { startBridge, type RunningBridge } from '../../workers/bridge';
import { employees, portalUsers } from '../testkit/bridge-harness';
import { startMinimalFloor, type MinimalFloor } from './minimal-floor';
import { profiles, type PortalProfile } from './portals';
import type { BenchStack } from './stack';
import { placeGroup, topicEnd, type TopicPosition } from './topic-position';
import { toolWorkerTuning } from '../testkit/worker-tuning';

/**
 * One benchmark's world: an in-process Bitrix24 sandbox, its own Kafka topic and consumer
 * group, projects (one sandbox portal each, rate-limited per profile) and a bridge composed
 * like `npm start` composes it. Everything carries a fresh suffix, so benchmarks in one run
 * never see each other's calls, CRM records or request logs. The minimal floor runs on the
 * same topic (its own project and consumer group): the same Kafka path as the bridge's calls.
 */
export interface BenchEnv {
  sandbox: Sandbox;
  config: BridgeConfig;
  /** Project ids by the names the benchmark gave them. */
  projects: Record<string, string>;
  topic: string;
  dlqTopic: string;
  groupId: string;
  /** A throw-away folder of this benchmark's (the CLI's config file); the bridge keeps nothing on disk. */
  workDir: string;
  /** BRIDGE_SECRET_KEY of this benchmark's bridge and CLI: a fresh key, base64. */
  secretKey: string;
  secrets: SecretBox;
  logger: Logger;
  kafka: Kafka;
  /** A client of its own, for visibility counts and histories whether or not the bridge runs. */
  temporal: Client;
  stack: BenchStack;
  /** Publishes to the bench topic, keyed by call like Ringostat's producer; resolves on ack. */
  publish(events: readonly CallEvent[]): Promise<void>;
  /**
   * Starts the bridge (worker + dispatcher, in this process). Its consumer group begins after
   * the floor's calls when a floor ran first on this topic, else at the topic's beginning.
   * `dispatcher: false`: the worker alone (BRIDGE_COMPONENTS=worker,http), reading nothing live.
   */
  startBridge(options?: { dispatcher?: boolean }): Promise<RunningBridge>;
  /** Starts the minimal floor on this env's topic; it sees only calls published after this. */
  startFloor(): Promise<MinimalFloor>;
  stop(): Promise<void>;
}

export async function createBenchEnv(
  stack: BenchStack, name: string, projectProfiles: Record<string, PortalProfile>,
): Promise<BenchEnv> {
  const suffix = randomUUID().slice(0, 8);
  const sandbox = await startSandbox({ port: 0, rateLimit: profiles.unlimited.sandbox, logLevel: 'error' });
  const projects: Record<string, string> = {};
  const projectConfigs = Object.entries(projectProfiles).map(([projectName, profile]) => {
    const id = `${name}-${projectName}-${suffix}`;
    projects[projectName] = id;
    sandbox.admin.createPortal({ id, users: portalUsers, rateLimit: profiles[profile].sandbox });
    const webhookUrl = sandbox.admin.createWebhook(id, 1);
    return {
      id, timeZone: 'Europe/Kyiv', defaultCountry: 'UA', seniorManager: 1, employees,
      bitrix24: { webhookUrl, rateLimit: profiles[profile].client },
    };
  });
  const config = bridgeConfigSchema.parse({ projects: projectConfigs });
  const topic = `bench-${name}-${suffix}`;
  const dlqTopic = `${topic}.dlq`;
  const groupId = `bench-dispatcher-${suffix}`;
  // Logs go to stderr: stdout carries only the result blocks. Quiet by default, since a debug
  // line per event would itself cost CPU and memory the benchmark would then measure.
  const logger = createLogger({ level: process.env.BENCH_LOG_LEVEL ?? 'error', destination: pino.destination(2) });

  const kafka = createKafka({ brokers: stack.kafkaBrokers, clientId: `bench-${name}`, logger });
  const admin = kafka.admin();
  await admin.connect();
  // 6 partitions, as the production topic (platform/kafka-topics.ts): the dispatcher's parallelism.
  // On a three-broker cluster a broker may not know the new topic for a moment: asked again, the
  // topics exist already and only their leaders are waited for.
  for (let attempt = 1; ; attempt += 1) {
    try {
      await admin.createTopics({ topics: [{ topic, numPartitions: 6 }, { topic: dlqTopic, numPartitions: 1 }], waitForLeaders: true });
      break;
    } catch (err) {
      if (attempt >= 10 || (err as { type?: string }).type !== 'UNKNOWN_TOPIC_OR_PARTITION') throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  await admin.disconnect();
  const producer: Producer = kafka.producer();
  await producer.connect();
  const workDir = await mkdtemp(join(tmpdir(), 'bench-work-'));
  const secretKey = newSecretKey();
  const secrets = createSecretBox(parseSecretKeys(secretKey));
  const connection = await Connection.connect({ address: stack.temporalAddress });
  const temporal = new Client({ connection });
  const bridges: RunningBridge[] = [];
  const floors: MinimalFloor[] = [];
  /** Where the bridge's group starts: after the last floor's calls (set when a floor stops). */
  let bridgeStart: TopicPosition | undefined;
  let bridgeGroupPlaced = false;

  return {
    sandbox, config, projects, topic, dlqTopic, groupId, workDir, secretKey, secrets, logger, kafka, temporal, stack,
    async publish(events) {
      if (events.length === 0) return;
      await producer.send({ topic, messages: events.map((event) => ({ key: callEventKey(event), value: JSON.stringify(event) })) });
    },
    async startBridge(options = {}) {
      // Once only: a restarted bridge resumes from its group's committed offsets, as in production.
      if (bridgeStart && !bridgeGroupPlaced) await placeGroup(kafka, groupId, topic, bridgeStart);
      bridgeGroupPlaced = true;
      const bridge = await startBridge({
        config, temporalAddress: stack.temporalAddress, kafkaBrokers: stack.kafkaBrokers,
        topic, dlqTopic, secrets, logger, groupId, workerTuning: toolWorkerTuning(),
        ...(options.dispatcher === false ? { dispatcher: false } : {}),
      });
      bridges.push(bridge);
      // Stopped by the benchmark, it is not stopped again with the env.
      const stopBridge = bridge.stop.bind(bridge);
      bridge.stop = async () => {
        if (bridges.includes(bridge)) bridges.splice(bridges.indexOf(bridge), 1);
        await stopBridge();
      };
      return bridge;
    },
    async startFloor() {
      const floor = await startMinimalFloor({ temporalAddress: stack.temporalAddress, kafkaBrokers: stack.kafkaBrokers, topic, name, logger });
      floors.push(floor);
      return {
        ...floor,
        async stop() {
          floors.splice(floors.indexOf(floor), 1);
          await floor.stop();
          bridgeStart = await topicEnd(kafka, topic);
        },
      };
    },
    async stop() {
      for (const floor of floors.splice(0)) await floor.stop();
      for (const bridge of bridges.splice(0)) await bridge.stop();
      await producer.disconnect();
      await connection.close();
      await sandbox.stop();
      await rm(workDir, { recursive: true, force: true });
    },
  };
}
