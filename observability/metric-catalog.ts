import { Registry } from 'prom-client';
import { ringostatMetrics } from '../ringostat/metrics';
import { createHttpMetrics } from './http-metrics';
import { createBitrixMetrics } from '../bitrix/metrics';
import { consumerLagGauge } from './consumer-lag';
import { createDispatcherMetrics } from './dispatcher-metrics';
import { createReadiness } from './readiness';
import { workflowGauges } from './workflow-gauges';

export { METRIC_PREFIX } from '../platform/metrics-registry';

/** A metric family as prom-client registers it. */
export interface RegisteredMetric { name: string; type: string }

/**
 * Every metric family the bridge registers with prom-client, on a fresh registry: what the ops
 * files (alert rules, dashboard) may name besides the Temporal SDK's metrics below. Node's own
 * process metrics (collectDefaultMetrics) are left out: docs/contracts.md §5 names them as families.
 */
export async function registeredMetrics(): Promise<RegisteredMetric[]> {
  const registry = new Registry();
  createHttpMetrics({ registry, defaultMetrics: false });
  createDispatcherMetrics(registry);
  createBitrixMetrics(registry);
  consumerLagGauge(registry);
  workflowGauges(registry);
  createReadiness({ registry });
  ringostatMetrics(registry);
  return (await registry.getMetricsAsJSON()).map(({ name, type }) => ({ name, type: String(type) })).sort((a, b) => a.name.localeCompare(b.name));
}

export async function registeredMetricNames(): Promise<string[]> {
  return (await registeredMetrics()).map((metric) => metric.name);
}

/**
 * Metrics served through the Temporal Runtime's exporter (observability/temporal-logging.ts), not
 * prom-client, that the ops files use: the workflows' metricMeter counters (named with the prefix,
 * `_total` added) and some of the SDK's own worker metrics (the prefix + `temporal_`, `_seconds`
 * on durations). test/integration/metrics.test.ts checks every name a live /metrics serves.
 */
export const TEMPORAL_EXPORTED_METRICS = [
  'ringostat_bridge_calls_completed_total',
  'ringostat_bridge_call_parks_total',
  'ringostat_bridge_temporal_workflow_task_execution_latency_seconds',
  'ringostat_bridge_temporal_workflow_task_schedule_to_start_latency_seconds',
  'ringostat_bridge_temporal_activity_execution_latency_seconds',
  'ringostat_bridge_temporal_worker_task_slots_available',
] as const;

/**
 * Gauges sampled from Kafka or Temporal by every process that serves HTTP: each replica shows the
 * same value, so the alert rules and the dashboard read them through `max by (…)`, never a bare sum.
 */
export const CLUSTER_WIDE_GAUGES = [
  'ringostat_bridge_consumer_lag_messages',
  'ringostat_bridge_parked_calls',
  'ringostat_bridge_integration_broken',
] as const;
