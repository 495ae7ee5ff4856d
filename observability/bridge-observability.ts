import type { Client } from '@temporalio/client';
import type { Admin, Kafka } from 'kafkajs';
import type { Registry } from 'prom-client';
import type { Logger } from '../platform/logger';
import { consumerLagGauge, sampleConsumerLag } from './consumer-lag';
import { processReadiness, type Readiness } from './readiness';
import { processRegistry } from '../platform/metrics-registry';
import { sampleIntegrationStatus, sampleParkedCalls, workflowGauges } from './workflow-gauges';

export interface ObservabilityOptions {
  temporal: Client;
  kafka: Kafka;
  projectIds: readonly string[];
  /** The call-events topic and the dispatcher's consumer group, for the lag. */
  topic: string;
  groupId: string;
  logger: Logger;
  readiness?: Readiness;
  registry?: Registry;
  /** How often the sampled gauges are refreshed (default 15 s, a usual scrape interval). */
  intervalMs?: number;
}

export interface RunningObservability {
  /** Samples every gauge now (tests; the timer does it every intervalMs). */
  sampleNow(): Promise<void>;
  stop(): Promise<void>;
}

export const SAMPLE_INTERVAL_MS = 15_000;

/**
 * What the process that serves /metrics samples in the background: consumer lag per partition,
 * parked calls and broken integrations per project; and the readiness checks "temporal" and
 * "kafka" (reachable). The composer adds "worker" and "dispatcher" itself.
 */
export async function startObservability(options: ObservabilityOptions): Promise<RunningObservability> {
  const registry = options.registry ?? processRegistry();
  const readiness = options.readiness ?? processReadiness();
  const log = options.logger.child({ component: 'observability' });
  // No retries: a probe must answer within the readiness timeout, not retry for a minute.
  const admin: Admin = options.kafka.admin({ retry: { retries: 0 } });
  await admin.connect();
  const lag = consumerLagGauge(registry);
  const gauges = workflowGauges(registry);

  const unregister = [
    readiness.register('temporal', async () => {
      await options.temporal.connection.withDeadline(Date.now() + 1_500, () => options.temporal.workflowService.getSystemInfo({}));
      return true;
    }),
    readiness.register('kafka', async () => {
      const cluster = await admin.describeCluster();
      return cluster.brokers.length > 0 || 'no broker in the cluster';
    }),
  ];

  let sampling: Promise<void> | undefined;
  const sampleNow = () => {
    // One round at a time: a slow Temporal must not stack rounds up.
    sampling ??= Promise.all([
      sampleConsumerLag(admin, options.groupId, options.topic, lag, log),
      sampleParkedCalls(options.temporal, options.projectIds, gauges, log),
      sampleIntegrationStatus(options.temporal, options.projectIds, gauges, log),
    ]).then(() => undefined).finally(() => { sampling = undefined; });
    return sampling;
  };
  const timer = setInterval(() => void sampleNow(), options.intervalMs ?? SAMPLE_INTERVAL_MS);
  timer.unref();
  void sampleNow();

  return {
    sampleNow,
    async stop() {
      clearInterval(timer);
      unregister.forEach((remove) => remove());
      await sampling?.catch(() => undefined);
      await admin.disconnect().catch(() => undefined);
    },
  };
}
