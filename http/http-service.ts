import { createBitrixSessions } from '../activities/bitrix-session';
import type { CredentialsCache } from '../integration/credentials-cache';
import { createKafka } from '../platform/kafka';
import type { Logger } from '../platform/logger';
import type { BridgeConfig } from '../schemas/project-config';
import { processReadiness, type Readiness } from '../observability/readiness';
import { processRegistry } from '../observability/registry';
import { fetchSdkMetrics } from '../observability/temporal-sdk-metrics';
import { temporalSdkMetricsUrl } from '../observability/temporal-logging';
import { createResponsibleResolver } from './routing/responsible-resolver';
import { buildHttpServer } from './http-app';

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
  const sdkUrl = temporalSdkMetricsUrl();
  const metricsExtras = [() => processRegistry().metrics(), ...(sdkUrl ? [() => fetchSdkMetrics(sdkUrl, logger)] : [])];
  const readiness = options.readiness ?? processReadiness();
  const app = buildHttpServer({ config, producer, topic: options.topic, responsible, logger, metricsExtras, readiness });
  await app.listen({ port: options.port, host: options.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    url: `http://${options.host}:${port}`,
    async stop() {
      await app.close().catch(() => undefined);
      await producer.disconnect().catch(() => undefined);
    },
  };
}
