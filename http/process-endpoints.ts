import type { FastifyInstance } from 'fastify';
import type { Logger } from '../platform/logger';
import { processRegistry } from '../platform/metrics-registry';
import { fetchSdkMetrics } from '../observability/temporal-sdk-metrics';
import { temporalSdkMetricsUrl } from '../observability/temporal-logging';

/** What every /metrics of a process appends to its own HTTP metrics: the process's registry, the Temporal SDK's exporter. */
export function processMetricsExtras(logger: Logger): Array<() => Promise<string>> {
  const sdkUrl = temporalSdkMetricsUrl();
  return [() => processRegistry().metrics(), ...(sdkUrl ? [() => fetchSdkMetrics(sdkUrl, logger)] : [])];
}

/** Listens and gives the URL it answers on (the port chosen when `port` is 0) and a stop. */
export async function listenOn(app: FastifyInstance, port: number, host: string, onStop?: () => Promise<void>): Promise<{ url: string; stop(): Promise<void> }> {
  await app.listen({ port, host });
  const address = app.server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  return {
    url: `http://${host}:${bound}`,
    async stop() {
      await app.close().catch(() => undefined);
      await onStop?.().catch(() => undefined);
    },
  };
}
