/**
 * `tsx http/main.ts`: the HTTP service on its own, beside the worker (CONTRACTS.md §5).
 * Env: CONFIG_PATH (required), KAFKA_BROKERS, HTTP_PORT (8080), HTTP_HOST (127.0.0.1),
 * CALL_EVENTS_TOPIC, TEMPORAL_ADDRESS / TEMPORAL_NAMESPACE and BRIDGE_SECRET_KEY (the webhooks
 * come from the integration workflows, so a broken integration answers none). `workers/main.ts`
 * with BRIDGE_COMPONENTS=http runs the same service with its metrics and readiness.
 */
import { Client, Connection } from '@temporalio/client';
import { CALL_EVENTS_TOPIC } from '../platform/kafka-topics';
import { createCredentialsCache } from '../integration/credentials-cache';
import { resolveSecretBox } from '../integration/process-secrets';
import { dataDir } from '../platform/paths';
import { loadConfig } from '../config/config-loader';
import { createLogger } from '../platform/logger';
import { startHttpService } from './http-service';

export interface HttpSettings {
  configPath: string;
  kafkaBrokers: string[];
  port: number;
  host: string;
  topic: string;
  temporalAddress: string;
  temporalNamespace: string;
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
    temporalAddress: env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233',
    temporalNamespace: env.TEMPORAL_NAMESPACE ?? 'default',
  };
}

async function main(): Promise<void> {
  const settings = httpSettingsFromEnv(process.env);
  const logger = createLogger({ name: 'bridge-http' });
  const config = await loadConfig(settings.configPath);
  const secrets = await resolveSecretBox({ demo: false, dataDir: dataDir() });
  const temporal = new Client({ connection: await Connection.connect({ address: settings.temporalAddress }), namespace: settings.temporalNamespace });
  const service = await startHttpService({
    config,
    kafkaBrokers: settings.kafkaBrokers,
    topic: settings.topic,
    credentials: createCredentialsCache({ temporal, secrets, config, logger }),
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
