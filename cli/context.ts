import { Client, Connection } from '@temporalio/client';
import type { Kafka } from 'kafkajs';
import { join } from 'node:path';
import pino from 'pino';
import { createCredentialStore, type CredentialStore } from '../lib/credential-store';
import { createKafka, brokersFromEnv } from '../lib/kafka';
import { createLogger, type Logger } from '../lib/logger';
import { loadConfig } from '../lib/config-loader';
import type { BridgeConfig, ProjectConfig } from '../schemas/project-config';
import { CALL_EVENTS_DLQ_TOPIC, CALL_EVENTS_TOPIC } from '../infra/topics';
import { dataDir } from '../infra/paths';

/** What every CLI command may need, opened lazily so `config check` touches no server. */
export interface CliContext {
  config(): Promise<BridgeConfig>;
  project(id: string): Promise<ProjectConfig>;
  temporal(): Promise<Client>;
  kafka(): Kafka;
  credentials: CredentialStore;
  logger: Logger;
  topic: string;
  dlqTopic: string;
  close(): Promise<void>;
}

export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(message: string, readonly exitCode = 1) {
    super(message);
  }
}

export function credentialsDir(): string {
  return process.env.CREDENTIALS_DIR ?? join(dataDir(), 'credentials');
}

export function createCliContext(options: { configPath?: string }): CliContext {
  // Logs go to stderr: stdout carries the command's output (`status --json`, `config schema`).
  const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'warn', name: 'cli', destination: pino.destination(2) });
  let connection: Connection | undefined;
  let client: Client | undefined;
  let config: Promise<BridgeConfig> | undefined;
  const configPath = options.configPath ?? process.env.CONFIG_PATH;

  const context: CliContext = {
    config() {
      if (!configPath) throw new CliError('no config: pass --config FILE or set CONFIG_PATH');
      config ??= loadConfig(configPath);
      return config;
    },
    async project(id) {
      const found = (await context.config()).projects.find((p) => p.id === id);
      if (!found) throw new CliError(`project "${id}" is not in ${configPath}`);
      return found;
    },
    async temporal() {
      if (!client) {
        connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233' });
        client = new Client({ connection, namespace: process.env.TEMPORAL_NAMESPACE ?? 'default' });
      }
      return client;
    },
    kafka: () => createKafka({ brokers: brokersFromEnv(), clientId: 'ringostat-bridge-cli', logger }),
    credentials: createCredentialStore(credentialsDir()),
    logger,
    topic: CALL_EVENTS_TOPIC,
    dlqTopic: CALL_EVENTS_DLQ_TOPIC,
    async close() {
      await connection?.close();
    },
  };
  return context;
}
