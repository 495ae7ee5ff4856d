/**
 * `tsx http/main.ts`: the HTTP service on its own, beside the worker (CONTRACTS.md §5).
 * Env: CONFIG_PATH (required), KAFKA_BROKERS, HTTP_PORT (8080), HTTP_HOST (127.0.0.1),
 * CALL_EVENTS_TOPIC, CREDENTIALS_DIR (the worker's, so a broken integration answers none).
 */
import { join } from 'node:path';
import { dataDir } from '../infra/paths';
import { CALL_EVENTS_TOPIC } from '../infra/topics';
import { loadConfig } from '../lib/config-loader';
import { createCredentialStore } from '../lib/credential-store';
import { createLogger } from '../lib/logger';
import { startHttpService } from './http-service';

export interface HttpSettings {
  configPath: string;
  kafkaBrokers: string[];
  port: number;
  host: string;
  topic: string;
  credentialsDir: string;
}

/** Pure: the settings from the environment, or an error that names the variable. */
export function httpSettingsFromEnv(env: NodeJS.ProcessEnv): HttpSettings {
  const configPath = env.CONFIG_PATH;
  if (!configPath) throw new Error('CONFIG_PATH is not set: the HTTP service needs the projects\' config (ingestToken, employees)');
  const port = Number(env.HTTP_PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`HTTP_PORT must be a port number, got "${env.HTTP_PORT}"`);
  return {
    configPath,
    kafkaBrokers: (env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').map((b) => b.trim()).filter(Boolean),
    port,
    host: env.HTTP_HOST ?? '127.0.0.1',
    topic: env.CALL_EVENTS_TOPIC ?? CALL_EVENTS_TOPIC,
    credentialsDir: env.CREDENTIALS_DIR ?? join(dataDir(), 'credentials'),
  };
}

async function main(): Promise<void> {
  const settings = httpSettingsFromEnv(process.env);
  const logger = createLogger({ name: 'bridge-http' });
  const service = await startHttpService({
    config: await loadConfig(settings.configPath),
    kafkaBrokers: settings.kafkaBrokers,
    topic: settings.topic,
    credentials: createCredentialStore(settings.credentialsDir),
    logger,
    port: settings.port,
    host: settings.host,
  });
  logger.info({ url: service.url, topic: settings.topic }, 'HTTP service listening');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'HTTP service stopping');
    await service.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

// Run only as the entry point: tests import httpSettingsFromEnv without starting a server.
if (require.main === module) {
  main().catch((err) => {
    process.stderr.write(`HTTP service failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
