import type { Client } from '@temporalio/client';
import type { Admin, Kafka } from 'kafkajs';
import type { Registry } from 'prom-client';
import type { Logger } from '../platform/logger';
import { createClusterHealthMonitor, type BridgeTopics } from './cluster-health-probe';
import { consumerLagGauge, sampleConsumerLag } from './consumer-lag';
import { processReadiness, type Readiness } from './readiness';
import { deadLetterTopicOf } from '../platform/kafka-topics';
import { processRegistry } from '../platform/metrics-registry';
import { sampleIntegrationStatus, sampleParkedCalls, workflowGauges } from './workflow-gauges';

export interface ObservabilityOptions {
  temporal: Client;
  /**
   * Made with `retry: { retries: 0 }` (workers/run-bridge.ts): kafkajs gives an admin's metadata
   * reads the client's retries, not the admin's, and the health reads must end within their
   * deadline — a partition without leader is an answer, not something to retry for seconds.
   */
  kafka: Kafka;
  projectIds: readonly string[];
  /** The call-events topic and the dispatcher's consumer group, for the lag. */
  topic: string;
  groupId: string;
  /**
   * **(issue 18)** The configured brokers (KAFKA_BROKERS) and the bridge's topics, whose health
   * the `kafka` check reports; default: the call-events topic and its dead-letter topic only, no
   * configured brokers to compare.
   */
  kafkaBrokers?: readonly string[];
  topics?: BridgeTopics;
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
 * "kafka", which also carry the cluster's health as their `detail` (E6: brokers, controller,
 * partitions without leader or under-replicated; the frontend and Temporal's services). What
 * makes them fail, and what is only reported, is decided in observability/cluster-health.ts.
 * Both read through a cache of a few seconds on this process's open connections, so probes and
 * scrapes do not open a Kafka connection or ask the cluster each time. The composer adds
 * "worker" and "dispatcher" itself.
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

  const health = createClusterHealthMonitor({
    admin, kafkaBrokers: options.kafkaBrokers ?? [], temporal: options.temporal.connection,
    topics: { callEvents: options.topic, deadLetters: deadLetterTopicOf(options.topic), ...options.topics },
  });
  const outcome = (judged: { notReady?: string }) => ({ ok: judged.notReady === undefined, ...(judged.notReady ? { reason: judged.notReady } : {}), detail: judged });

  const unregister = [
    readiness.register('temporal', async () => outcome(await health.temporal())),
    readiness.register('kafka', async () => outcome(await health.kafka())),
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
