import { Client, Connection } from '@temporalio/client';
import type { Kafka } from 'kafkajs';
import { connect } from 'node:net';
import pino from 'pino';
import { readFile } from 'node:fs/promises';
import { demoKeyFile } from '../integration/process-secrets';
import { createSecretBox, parseSecretKeys, SECRET_KEY_ENV, secretBoxOf, type SecretBox } from '../integration/secret-box';
import { createKafka } from '../platform/kafka';
import { createLogger, type Logger } from '../platform/logger';
import { loadConfig, type ConfigEnv } from '../config/config-loader';
import { LOCAL_KAFKA_BROKERS, LOCAL_TEMPORAL_ADDRESS, parseSettings, SettingsError, type Settings } from '../config/settings';
import { DEFAULT_DISPATCHER_GROUP_ID } from '../dispatcher/kafka-dispatcher';
import type { BridgeConfig, ProjectConfig } from '../schemas/project-config';

/** What every CLI command may need, opened lazily so `config check` touches no server. */
export interface CliContext {
  config(): Promise<BridgeConfig>;
  project(id: string): Promise<ProjectConfig>;
  temporal(): Promise<Client>;
  kafka(): Kafka;
  /** kafka(), after one TCP connect proved a broker answers: kafkajs would retry for minutes. */
  reachableKafka(): Promise<Kafka>;
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

export function createCliContext(options: { configPath?: string; env: ConfigEnv }): CliContext {
  const settings = cliSettings(options.env);
  // Logs go to stderr: stdout carries the command's output (`status --json`, `config schema`).
  const logger = createLogger({ level: settings.logLevel ?? 'warn', name: 'cli', destination: pino.destination(2) });
  let connection: Connection | undefined;
  let client: Client | undefined;
  let config: Promise<BridgeConfig> | undefined;
  const configPath = options.configPath ?? settings.configPath;
  const brokers = [...(settings.kafkaBrokers ?? LOCAL_KAFKA_BROKERS)];
  const kafka = () => createKafka({ brokers, clientId: 'ringostat-bridge-cli', logger });

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
    async temporal() {
      if (!client) {
        const address = settings.temporalAddress ?? LOCAL_TEMPORAL_ADDRESS;
        // The SDK retries a dead address for its whole connect timeout; a TCP connect answers at once.
        if (!(await anyReachable([address]))) throw new CliError(`Temporal cannot be reached: nothing answers at ${address}`);
        try {
          connection = await Connection.connect({ address });
        } catch (err) {
          throw new CliError(`Temporal at ${address} cannot be reached: ${(err as Error).message}`);
        }
        client = new Client({ connection, namespace: settings.temporalNamespace });
      }
      return client;
    },
    kafka,
    async reachableKafka() {
      if (!(await anyReachable(brokers))) throw new CliError(`Kafka cannot be reached: no broker answers at ${brokers.join(', ')}`);
      return kafka();
    },
    secrets: () => cliSecretBox(settings, logger),
    logger,
    topic: settings.topics.callEvents,
    dlqTopic: settings.topics.deadLetters,
    contactCardsTopic: settings.topics.contactCards,
    dispatcherGroupId: settings.dispatcherGroupId ?? DEFAULT_DISPATCHER_GROUP_ID,
    configPath,
    configEnv: options.env,
    async close() {
      await connection?.close();
    },
  };
  return context;
}

/** True when a TCP connect to one of the `host:port` addresses succeeds. */
function anyReachable(addresses: string[], timeoutMs = 3000): Promise<boolean> {
  return Promise.all(addresses.map((address) => new Promise<boolean>((done) => {
    const at = address.lastIndexOf(':');
    const socket = connect({ host: address.slice(0, at).replace(/^\[|\]$/g, ''), port: Number(address.slice(at + 1)) });
    socket.setTimeout(timeoutMs);
    socket.once('connect', () => { socket.destroy(); done(true); });
    socket.once('timeout', () => { socket.destroy(); done(false); });
    socket.once('error', () => done(false));
  }))).then((answers) => answers.some(Boolean));
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
