import { createBitrixSessions } from '../integration/bitrix-sessions';
import type { CredentialsCache } from '../integration/credentials-cache';
import { createKafka } from '../platform/kafka';
import type { Logger } from '../platform/logger';
import type { BridgeConfig } from '../schemas/project-config';
import { processReadiness, type Readiness } from '../observability/readiness';
import { listenOn, processMetricsExtras } from './process-endpoints';
import { createResponsibleResolver } from './routing/responsible-resolver';
import { buildHttpServer } from './http-app';
import { buildSharedServer } from './server/server';

export interface HttpServiceOptions {
  config: BridgeConfig;
  kafkaBrokers: string[];
  topic: string;
  /** The integration workflows' webhooks: a broken integration answers "none" without calling Bitrix24 (F2). */
  credentials: CredentialsCache;
  logger: Logger;
  port: number;
  host: string;
  /** /readyz's checks; default the process's (observability/readiness.ts). */
  readiness?: Readiness;
}

/** Webhook ingest (B5) and smart-forwarding lookups (F1–F3) on one port, with /healthz and /metrics. */
export async function startHttpService(options: HttpServiceOptions): Promise<{ url: string; stop(): Promise<void> }> {
  const { config, credentials, logger } = options;
  const producer = createKafka({ brokers: options.kafkaBrokers, clientId: 'ringostat-bridge-http', logger })
    .producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const responsible = createResponsibleResolver({
    config,
    sessions: createBitrixSessions({ credentials, logger }),
    integrationStatus: async (projectId) => (await credentials.current(projectId)).status,
    logger,
  });
  // /metrics: this server's HTTP metrics, the process's (dispatcher, Bitrix24, gauges), the Temporal SDK's.
  const metricsExtras = processMetricsExtras(logger);
  const readiness = options.readiness ?? processReadiness();
  const app = buildHttpServer({ config, producer, topic: options.topic, responsible, logger, metricsExtras, readiness });
  return listenOn(app, options.port, options.host, () => producer.disconnect());
}

/**
 * A process that runs no HTTP component (BRIDGE_COMPONENTS=worker, dispatcher) still answers
 * /healthz, /readyz and /metrics, so a supervisor can probe it and Prometheus can scrape its
 * Bitrix24 and dispatcher metrics; the webhook and routing endpoints are not there.
 */
export async function startOpsService(options: Pick<HttpServiceOptions, 'config' | 'logger' | 'port' | 'host' | 'readiness'>): Promise<{ url: string; stop(): Promise<void> }> {
  const app = buildSharedServer({
    config: options.config, logger: options.logger, metricsExtras: processMetricsExtras(options.logger), readiness: options.readiness ?? processReadiness(),
  }, []);
  return listenOn(app, options.port, options.host);
}
