/**
 * `npm run http` (node dist/http/main.js): the HTTP service on its own, beside the worker (docs/contracts.md §5).
 * Env: CONFIG_PATH (required), KAFKA_BROKERS, HTTP_PORT (8080), HTTP_HOST (127.0.0.1),
 * CALL_EVENTS_TOPIC, TEMPORAL_ADDRESS / TEMPORAL_NAMESPACE and BRIDGE_SECRET_KEY (the webhooks
 * come from the integration workflows, so a broken integration answers none). `workers/main.ts`
 * with BRIDGE_COMPONENTS=http runs the same service with its metrics and readiness.
 */
import { Client, Connection } from '@temporalio/client';
import { createCredentialsCache } from '../integration/credentials-cache';
import { resolveSecretBox } from '../integration/process-secrets';
import { loadConfig } from '../config/config-loader';
import { LOCAL_KAFKA_BROKERS, LOCAL_TEMPORAL_ADDRESS, parseSettings, type Settings } from '../config/settings';
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

/** Pure: what the HTTP service needs of the settings, or an error that names the variable. */
export function httpSettingsFromEnv(env: Readonly<Record<string, string | undefined>>): HttpSettings {
  return httpSettingsOf(parseSettings(env));
}

function httpSettingsOf(settings: Readonly<Settings>): HttpSettings {
  const { configPath } = settings;
  if (!configPath) throw new Error('CONFIG_PATH is not set: the HTTP service needs the projects\' config (ingestToken, employees)');
  return {
    configPath,
    kafkaBrokers: [...(settings.kafkaBrokers ?? LOCAL_KAFKA_BROKERS)],
    port: settings.http.port,
    host: settings.http.host,
    topic: settings.topics.callEvents,
    temporalAddress: settings.temporalAddress ?? LOCAL_TEMPORAL_ADDRESS,
    temporalNamespace: settings.temporalNamespace,
  };
}

async function main(): Promise<void> {
  const all = parseSettings(process.env);
  const settings = httpSettingsOf(all);
  const logger = createLogger({ name: 'bridge-http', ...(all.logLevel ? { level: all.logLevel } : {}) });
  const config = await loadConfig(settings.configPath, process.env);
  const secrets = await resolveSecretBox({ secretKey: all.secretKey, demo: false, dataDir: all.dataDir });
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
