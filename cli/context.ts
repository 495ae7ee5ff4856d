import { Client, Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor } from '@temporalio/client';
import type { Admin, Consumer, Kafka, Producer } from 'kafkajs';
import { readFile } from 'node:fs/promises';
import { demoKeyFile } from '../integration/process-secrets';
import { createSecretBox, parseSecretKeys, SECRET_KEY_ENV, secretBoxOf, type SecretBox } from '../integration/secret-box';
import { createKafka } from '../platform/kafka';
import type { Logger } from '../platform/logger';
import { grpcStatusOf } from '../platform/temporal-errors';
import { loadConfig, type ConfigEnv } from '../config/config-loader';
import { LOCAL_KAFKA_BROKERS, LOCAL_TEMPORAL_ADDRESS, parseSettings, SettingsError, type Settings } from '../config/settings';
import { DEFAULT_DISPATCHER_GROUP_ID } from '../dispatcher/kafka-dispatcher';
import type { BridgeConfig, ProjectConfig } from '../schemas/project-config';
import { createCliLogger } from './cli-logger';
import { anyReachable, callDeadline, DEFAULT_TIMEOUT_MS, kafkaFailure, isTemporalDeadline, seconds, withinDeadline } from './deadlines';

/** What every CLI command may need, opened lazily so `config check` touches no server. */
export interface CliContext {
  config(): Promise<BridgeConfig>;
  project(id: string): Promise<ProjectConfig>;
  temporal(): Promise<Client>;
  kafka(): Kafka;
  /** kafka(), after a broker answered a metadata request within the deadline: kafkajs would retry for minutes. */
  reachableKafka(): Promise<Kafka>;
  /** `--timeout`: how long any one network wait may take. */
  timeoutMs: number;
  /** A library's error as the operator's CliError naming what did not answer; other errors as they are. */
  explain(err: unknown): unknown;
  /** BRIDGE_SECRET_KEY's box: the CLI seals a new webhook before it leaves this process (R4). */
  secrets(): Promise<SecretBox>;
  logger: Logger;
  topic: string;
  dlqTopic: string;
  /** B9's topic (CONTACT_CARDS_TOPIC). */
  contactCardsTopic: string;
  /** The dispatchers' consumer group, as the bridge's processes name it (DISPATCHER_GROUP_ID). */
  dispatcherGroupId: string;
  /** --config, else CONFIG_PATH. */
  configPath: string | undefined;
  /** TEMPORAL_NAMESPACE. */
  namespace: string;
  /** **(issue 18)** KAFKA_BROKERS and TEMPORAL_ADDRESS as configured: `status` compares the cluster's brokers with them. */
  kafkaBrokers: readonly string[];
  temporalAddress: string;
  /** WORKER_DEPLOYMENT_NAME: the Worker Deployment the bridge's workers poll as (docs/upgrades.md). */
  deploymentName: string;
  /** The environment the config's `${VAR}` references resolve from. */
  configEnv: ConfigEnv;
  close(): Promise<void>;
}

/** The CLI's one error: a message for the operator, the exit code of docs/contracts.md §4, details for --json. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(message: string, readonly exitCode = 1, readonly details: Record<string, unknown> = {}) {
    super(message);
  }
}

/** The CLI's settings from its environment (cli/index.ts passes process.env); a wrong variable is a CliError naming it. */
export function cliSettings(env: ConfigEnv): Readonly<Settings> {
  try {
    return parseSettings(env);
  } catch (err) {
    throw err instanceof SettingsError ? new CliError(err.message) : err;
  }
}

export interface CliContextOptions {
  configPath?: string;
  env: ConfigEnv;
  /** --timeout in ms (default 10 s). */
  timeoutMs?: number;
  /** --verbose: debug logs, libraries' included. */
  verbose?: boolean;
}

export function createCliContext(options: CliContextOptions): CliContext {
  const settings = cliSettings(options.env);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  // Logs go to stderr: stdout carries the command's output (`status --json`, `config schema`).
  const logger = createCliLogger(options.verbose ? 'debug' : settings.logLevel ?? 'warn');
  let connection: Connection | undefined;
  let client: Promise<Client> | undefined;
  let config: Promise<BridgeConfig> | undefined;
  const configPath = options.configPath ?? settings.configPath;
  const address = settings.temporalAddress ?? LOCAL_TEMPORAL_ADDRESS;
  const brokers = [...(settings.kafkaBrokers ?? LOCAL_KAFKA_BROKERS)];
  const kafkaClients = trackedKafka(createKafka({ brokers, clientId: 'ringostat-bridge-cli', logger, timeoutMs, quiet: true }));
  let kafkaAnswered: Promise<void> | undefined;
  const unreachable = {
    temporal: (why: string) => new CliError(`Temporal cannot be reached: ${why}`),
    kafka: (why: string) => new CliError(`Kafka cannot be reached: ${why}`),
  };
  const noAnswer = (at: string) => `${at} accepted the connection but did not answer within ${seconds(timeoutMs)} (--timeout)`;

  async function connectTemporal(): Promise<Client> {
    // A refused port fails at once here; the SDK would retry it for its whole connect timeout.
    if (!(await anyReachable([address], timeoutMs))) throw unreachable.temporal(`nothing answers at ${address}`);
    // Every call gets the deadline (callDeadline); the SDK's retries stay, inside it.
    connection = Connection.lazy({
      address, connectTimeout: timeoutMs,
      interceptors: [callDeadline(timeoutMs), makeGrpcRetryInterceptor(defaultGrpcRetryOptions())],
    });
    try {
      await connection.ensureConnected();
    } catch (err) {
      throw unreachable.temporal(isTemporalDeadline(err) || /deadline/i.test((err as Error).message) ? noAnswer(`Temporal at ${address}`) : `${address}: ${(err as Error).message}`);
    }
    return new Client({ connection, namespace: settings.temporalNamespace });
  }

  async function kafkaAnswers(): Promise<void> {
    const list = brokers.join(', ');
    if (!(await anyReachable(brokers, timeoutMs))) throw unreachable.kafka(`no broker answers at ${list}`);
    // A metadata request proves a broker speaks Kafka, not only that something holds the port.
    const admin = kafkaClients.kafka.admin();
    await withinDeadline(timeoutMs, () => admin.connect(), () => unreachable.kafka(noAnswer(`no broker at ${list}`)), () => admin.disconnect());
    await admin.disconnect();
  }

  const context: CliContext = {
    config() {
      if (!configPath) throw new CliError('no config: pass --config FILE or set CONFIG_PATH');
      config ??= loadConfig(configPath, options.env);
      return config;
    },
    async project(id) {
      const found = (await context.config()).projects.find((p) => p.id === id);
      if (!found) throw new CliError(`project "${id}" is not in ${configPath}`);
      return found;
    },
    temporal() {
      client ??= connectTemporal();
      return client;
    },
    kafka: () => kafkaClients.kafka,
    async reachableKafka() {
      kafkaAnswered ??= kafkaAnswers();
      await kafkaAnswered;
      return kafkaClients.kafka;
    },
    timeoutMs,
    explain(err) {
      if (err instanceof CliError) return err;
      if (isTemporalDeadline(err)) {
        return new CliError(`Temporal at ${address} did not answer within ${seconds(timeoutMs)} (--timeout); queries and updates also wait for a bridge worker`);
      }
      const kafka = kafkaFailure(err);
      if (kafka) {
        const why = kafka.timedOut ? `did not answer within ${seconds(timeoutMs)} (--timeout)` : `failed: ${(err as Error).message}`;
        return new CliError(`Kafka at ${brokers.join(', ')} ${why}`);
      }
      // The SDK's "Failed to query Workflow" names no reason; the server's words do.
      const status = grpcStatusOf(err);
      if (status && err instanceof Error && status.details && !err.message.includes(status.details)) {
        return new CliError(`${err.message}: ${status.details}`);
      }
      return err;
    },
    secrets: () => cliSecretBox(settings, logger),
    logger,
    topic: settings.topics.callEvents,
    dlqTopic: settings.topics.deadLetters,
    contactCardsTopic: settings.topics.contactCards,
    dispatcherGroupId: settings.dispatcherGroupId ?? DEFAULT_DISPATCHER_GROUP_ID,
    configPath,
    namespace: settings.temporalNamespace,
    kafkaBrokers: brokers,
    temporalAddress: address,
    deploymentName: settings.deployment.name,
    configEnv: options.env,
    async close() {
      // Whatever a command left open (a timed-out connect included), so the process can exit.
      await Promise.allSettled([connection?.close(), kafkaClients.disconnectAll()]);
    },
  };
  return context;
}

/**
 * The CLI's one kafkajs client, remembering every admin, producer and consumer made from it so
 * that close() disconnects them all — also those a timed-out command abandoned mid-connect.
 */
function trackedKafka(kafka: Kafka): { kafka: Kafka; disconnectAll(): Promise<unknown> } {
  const open = new Set<Admin | Producer | Consumer>();
  const track = <T extends Admin | Producer | Consumer>(made: T): T => {
    open.add(made);
    return made;
  };
  const admin = kafka.admin.bind(kafka);
  const producer = kafka.producer.bind(kafka);
  const consumer = kafka.consumer.bind(kafka);
  kafka.admin = (config) => track(admin(config));
  kafka.producer = (config) => track(producer(config));
  kafka.consumer = (config) => track(consumer(config));
  return { kafka, disconnectAll: () => Promise.allSettled([...open].map((client) => client.disconnect())) };
}

/**
 * The deployment's key from BRIDGE_SECRET_KEY; in a checkout running the demo without one, the
 * demo's throw-away key (written by `npm start`).
 */
async function cliSecretBox(settings: Readonly<Settings>, logger: Logger): Promise<SecretBox> {
  try {
    const fromEnv = secretBoxOf(settings.secretKey);
    if (fromEnv) return fromEnv;
  } catch (err) {
    throw new CliError((err as Error).message);
  }
  const file = demoKeyFile(settings.dataDir);
  const demoKey = await readFile(file, 'utf8').then((s) => s.trim(), () => undefined);
  if (!demoKey) throw new CliError(`${SECRET_KEY_ENV} is not set: give the CLI the same key as the bridge's workers`);
  logger.warn({ file }, `${SECRET_KEY_ENV} is not set: using the demo's throw-away key`);
  return createSecretBox(parseSecretKeys(demoKey, file), { throwAway: true });
}
