import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_CALL_EVENTS_TOPIC, DEFAULT_CONTACT_CARDS_TOPIC, deadLetterTopicOf } from '../platform/kafka-topics';
import { projectRoot } from '../platform/paths';
import { deepFreeze } from '../platform/plain-values';

/**
 * The process environment, read once (docs/contracts.md §2 "Environment"). Each entry point
 * (workers/main.ts, http/main.ts, the CLI; the demo, tools/demo/main.ts) parses it here, freezes the result and passes it
 * down; no other module reads `process.env`. An empty variable counts as unset, as a shell's
 * `VAR=` usually means.
 */

const port = (name: string) => z.string().transform((value, ctx) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    ctx.addIssue({ code: 'custom', message: `${name} must be a port number, got "${value}"` });
    return z.NEVER;
  }
  return n;
});
const positiveInteger = (name: string) => z.string().transform((value, ctx) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) {
    ctx.addIssue({ code: 'custom', message: `${name} must be a positive whole number, got "${value}"` });
    return z.NEVER;
  }
  return n;
});
const list = z.string().transform((value) => value.split(',').map((item) => item.trim()).filter(Boolean));
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
/** WORKER_VERSION_PROMOTION: does a starting worker make its build the deployment's current version (docs/upgrades.md)? */
export const PROMOTIONS = ['auto', 'manual'] as const;
/** The Temporal Worker Deployment every bridge worker belongs to, unless WORKER_DEPLOYMENT_NAME names another. */
export const DEFAULT_DEPLOYMENT_NAME = 'ringostat-bridge';

/** kafkajs's own consumer defaults: the KAFKA_*_MS settings keep them unless told otherwise. */
const KAFKAJS_CONSUMER_DEFAULTS = { sessionTimeoutMs: 30_000, rebalanceTimeoutMs: 60_000, heartbeatIntervalMs: 3_000 } as const;

const environmentSchema = z.object({
  CONFIG_PATH: z.string().optional(),
  BRIDGE_SECRET_KEY: z.string().optional(),
  BRIDGE_COMPONENTS: z.string().optional(),
  TEMPORAL_ADDRESS: z.string().optional(),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_METRICS_ADDRESS: z.string().optional(),
  KAFKA_BROKERS: list.optional(),
  CALL_EVENTS_TOPIC: z.string().default(DEFAULT_CALL_EVENTS_TOPIC),
  CONTACT_CARDS_TOPIC: z.string().default(DEFAULT_CONTACT_CARDS_TOPIC),
  DISPATCHER_GROUP_ID: z.string().optional(),
  HTTP_PORT: port('HTTP_PORT').default(8080),
  HTTP_HOST: z.string().default('127.0.0.1'),
  LOG_LEVEL: z.enum(LOG_LEVELS, { error: (issue) => `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${String(issue.input)}"` }).optional(),
  CALL_IDLE_TIMEOUT_MS: positiveInteger('CALL_IDLE_TIMEOUT_MS').optional(),
  PARKED_CALL_LIMIT_MS: positiveInteger('PARKED_CALL_LIMIT_MS').optional(),
  CREATION_SHARD_ROTATE_AFTER: positiveInteger('CREATION_SHARD_ROTATE_AFTER').optional(),
  WORKER_MAX_CACHED_WORKFLOWS: positiveInteger('WORKER_MAX_CACHED_WORKFLOWS').default(250),
  WORKER_BACKLOG_ACTIVITY_SLOTS: positiveInteger('WORKER_BACKLOG_ACTIVITY_SLOTS').optional(),
  WORKFLOW_BUNDLE_PATH: z.string().optional(),
  WORKER_DEPLOYMENT_NAME: z.string().regex(/^[^.\s]+$/, 'WORKER_DEPLOYMENT_NAME must be one word without dots or spaces').default(DEFAULT_DEPLOYMENT_NAME),
  WORKER_BUILD_ID: z.string().regex(/^\S+$/, 'WORKER_BUILD_ID must be one word without spaces').optional(),
  WORKER_VERSION_PROMOTION: z.enum(PROMOTIONS, { error: (issue) => `WORKER_VERSION_PROMOTION must be one of ${PROMOTIONS.join(', ')}, got "${String(issue.input)}"` }).default('auto'),
  CREDENTIALS_DIR: z.string().optional(),
  DATA_DIR: z.string().default('.data'),
  SANDBOX_PORT: port('SANDBOX_PORT').default(8090),
  TEMPORAL_PORT: port('TEMPORAL_PORT').optional(),
  TEMPORAL_UI_PORT: port('TEMPORAL_UI_PORT').optional(),
  KAFKA_PORT: port('KAFKA_PORT').optional(),
  KAFKA_CONTROLLER_PORT: port('KAFKA_CONTROLLER_PORT').optional(),
  KAFKA_REPLICATION_FACTOR: positiveInteger('KAFKA_REPLICATION_FACTOR').default(1),
  KAFKA_MIN_INSYNC_REPLICAS: positiveInteger('KAFKA_MIN_INSYNC_REPLICAS').optional(),
  KAFKA_IDEMPOTENT_PRODUCER: z.enum(['true', 'false'], { error: (issue) => `KAFKA_IDEMPOTENT_PRODUCER must be true or false, got "${String(issue.input)}"` }).default('false'),
  KAFKA_SESSION_TIMEOUT_MS: positiveInteger('KAFKA_SESSION_TIMEOUT_MS').default(KAFKAJS_CONSUMER_DEFAULTS.sessionTimeoutMs),
  KAFKA_REBALANCE_TIMEOUT_MS: positiveInteger('KAFKA_REBALANCE_TIMEOUT_MS').default(KAFKAJS_CONSUMER_DEFAULTS.rebalanceTimeoutMs),
  KAFKA_HEARTBEAT_INTERVAL_MS: positiveInteger('KAFKA_HEARTBEAT_INTERVAL_MS').default(KAFKAJS_CONSUMER_DEFAULTS.heartbeatIntervalMs),
  TEMPORAL_NAMESPACE_RETENTION_HOURS: positiveInteger('TEMPORAL_NAMESPACE_RETENTION_HOURS').default(168),
});

/** What the entry points hand down: typed, defaulted, frozen. */
export interface Settings {
  /** The project config file; unset means the demo (`npm start`) or an error (HTTP service, CLI). */
  configPath?: string;
  /** BRIDGE_SECRET_KEY as given (a comma list of base64 keys); integration/secret-box.ts parses it. */
  secretKey?: string;
  /** BRIDGE_COMPONENTS as given; workers/components.ts checks the names. */
  components?: string;
  /** Unset: `npm start` (the demo) starts a local Temporal; the bridge, the CLI and the HTTP service use 127.0.0.1:7233. */
  temporalAddress?: string;
  temporalNamespace: string;
  temporalMetricsAddress?: string;
  /** Unset: `npm start` (the demo) starts a local broker; the bridge, the CLI and the HTTP service use 127.0.0.1:9092. */
  kafkaBrokers?: string[];
  topics: { callEvents: string; deadLetters: string; contactCards: string };
  dispatcherGroupId?: string;
  http: { port: number; host: string };
  logLevel?: (typeof LOG_LEVELS)[number];
  /** How long a call with no new event stays open; unset: the call workflow's 2 h. */
  callIdleTimeoutMs?: number;
  /** PARKED_CALL_LIMIT_MS: how long a call may stay parked before it closes as `parked-too-long`; unset: 7 days. */
  parkedCallLimitMs?: number;
  /** CREATION_SHARD_ROTATE_AFTER: creations a client-creation shard's run takes before it continues as new; unset: 500. */
  creationShardRotateAfter?: number;
  /** The sticky cache; the backlog lane's activity slots (unset: workers/temporal-worker.ts's 10); a prebuilt bundle. */
  worker: { maxCachedWorkflows: number; backlogActivitySlots?: number; workflowBundlePath?: string };
  /**
   * Worker Versioning (docs/upgrades.md): the Worker Deployment and this build's id in it (unset:
   * package.json's version), and whether a starting worker promotes its build to current.
   */
  deployment: { name: string; buildId?: string; promotion: (typeof PROMOTIONS)[number] };
  /** Version 1's credentials folder, imported once at start (R7). */
  legacyCredentialsDir: string;
  /** Local state of the demo and the dev stack (never the bridge's own state: R7). */
  dataDir: string;
  /** SANDBOX_PORT: only the demo (tools/demo/main.ts) reads it, for its Bitrix24 sandbox. */
  sandboxPort: number;
  /** The ports of the Temporal dev server and Kafka broker `npm start` starts (unset: 7233, 8233, 9092, 9093). */
  devStack: { temporalPort?: number; uiPort?: number; kafkaPort?: number; controllerPort?: number };
  /**
   * How the bridge uses a Kafka cluster (docs/contracts.md §2): the replication of the topics it
   * creates when they are missing, an idempotent producer, and the dispatcher group's timeouts.
   * The defaults are the single dev broker's and kafkajs's own.
   */
  kafkaCluster: KafkaClusterSettings;
  /** Retention of the namespace when the bridge registers a missing one (a Temporal cluster starts with none). */
  temporalNamespaceRetentionHours: number;
}

export interface KafkaClusterSettings {
  replicationFactor: number;
  minInsyncReplicas?: number;
  idempotentProducer: boolean;
  consumer: { sessionTimeoutMs: number; rebalanceTimeoutMs: number; heartbeatIntervalMs: number };
}

export class SettingsError extends Error {
  override readonly name = 'SettingsError';
}

/** Parses the environment; a wrong variable is an error that names it (and every other one that is wrong). */
export function parseSettings(env: Readonly<Record<string, string | undefined>>): Readonly<Settings> {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = environmentSchema.safeParse(present);
  if (!parsed.success) {
    throw new SettingsError(parsed.error.issues.map((issue) => {
      const variable = String(issue.path[0] ?? '');
      return issue.message.startsWith(variable) ? issue.message : `${variable}: ${issue.message}`;
    }).join('; '));
  }
  const e = parsed.data;
  const dataDir = path.resolve(projectRoot, e.DATA_DIR);
  const settings: Settings = {
    ...(e.CONFIG_PATH ? { configPath: e.CONFIG_PATH } : {}),
    ...(e.BRIDGE_SECRET_KEY ? { secretKey: e.BRIDGE_SECRET_KEY } : {}),
    ...(e.BRIDGE_COMPONENTS ? { components: e.BRIDGE_COMPONENTS } : {}),
    ...(e.TEMPORAL_ADDRESS ? { temporalAddress: e.TEMPORAL_ADDRESS } : {}),
    temporalNamespace: e.TEMPORAL_NAMESPACE,
    ...(e.TEMPORAL_METRICS_ADDRESS ? { temporalMetricsAddress: e.TEMPORAL_METRICS_ADDRESS } : {}),
    ...(e.KAFKA_BROKERS?.length ? { kafkaBrokers: e.KAFKA_BROKERS } : {}),
    topics: { callEvents: e.CALL_EVENTS_TOPIC, deadLetters: deadLetterTopicOf(e.CALL_EVENTS_TOPIC), contactCards: e.CONTACT_CARDS_TOPIC },
    ...(e.DISPATCHER_GROUP_ID ? { dispatcherGroupId: e.DISPATCHER_GROUP_ID } : {}),
    http: { port: e.HTTP_PORT, host: e.HTTP_HOST },
    ...(e.LOG_LEVEL ? { logLevel: e.LOG_LEVEL } : {}),
    ...(e.CALL_IDLE_TIMEOUT_MS ? { callIdleTimeoutMs: e.CALL_IDLE_TIMEOUT_MS } : {}),
    ...(e.PARKED_CALL_LIMIT_MS ? { parkedCallLimitMs: e.PARKED_CALL_LIMIT_MS } : {}),
    ...(e.CREATION_SHARD_ROTATE_AFTER ? { creationShardRotateAfter: e.CREATION_SHARD_ROTATE_AFTER } : {}),
    worker: {
      maxCachedWorkflows: e.WORKER_MAX_CACHED_WORKFLOWS,
      ...(e.WORKER_BACKLOG_ACTIVITY_SLOTS ? { backlogActivitySlots: e.WORKER_BACKLOG_ACTIVITY_SLOTS } : {}),
      ...(e.WORKFLOW_BUNDLE_PATH ? { workflowBundlePath: e.WORKFLOW_BUNDLE_PATH } : {}) },
    deployment: { name: e.WORKER_DEPLOYMENT_NAME, ...(e.WORKER_BUILD_ID ? { buildId: e.WORKER_BUILD_ID } : {}), promotion: e.WORKER_VERSION_PROMOTION },
    legacyCredentialsDir: e.CREDENTIALS_DIR ?? path.join(dataDir, 'credentials'),
    dataDir,
    sandboxPort: e.SANDBOX_PORT,
    devStack: {
      ...(e.TEMPORAL_PORT ? { temporalPort: e.TEMPORAL_PORT } : {}),
      ...(e.TEMPORAL_UI_PORT ? { uiPort: e.TEMPORAL_UI_PORT } : {}),
      ...(e.KAFKA_PORT ? { kafkaPort: e.KAFKA_PORT } : {}),
      ...(e.KAFKA_CONTROLLER_PORT ? { controllerPort: e.KAFKA_CONTROLLER_PORT } : {}),
    },
    kafkaCluster: {
      replicationFactor: e.KAFKA_REPLICATION_FACTOR,
      ...(e.KAFKA_MIN_INSYNC_REPLICAS ? { minInsyncReplicas: e.KAFKA_MIN_INSYNC_REPLICAS } : {}),
      idempotentProducer: e.KAFKA_IDEMPOTENT_PRODUCER === 'true',
      consumer: { sessionTimeoutMs: e.KAFKA_SESSION_TIMEOUT_MS, rebalanceTimeoutMs: e.KAFKA_REBALANCE_TIMEOUT_MS, heartbeatIntervalMs: e.KAFKA_HEARTBEAT_INTERVAL_MS },
    },
    temporalNamespaceRetentionHours: e.TEMPORAL_NAMESPACE_RETENTION_HOURS,
  };
  return deepFreeze(settings);
}

/** Local defaults where a variable is unset: the dev stack's addresses. */
export const LOCAL_TEMPORAL_ADDRESS = '127.0.0.1:7233';
export const LOCAL_KAFKA_BROKERS: readonly string[] = ['127.0.0.1:9092'];
