import { Registry } from 'prom-client';
import { createHttpMetrics } from './http-metrics';
import { createBitrixMetrics } from './bitrix-metrics';
import { consumerLagGauge } from './consumer-lag';
import { createDispatcherMetrics } from './dispatcher-metrics';
import { createReadiness } from './readiness';
import { workflowGauges } from './workflow-gauges';

/**
 * Every metric family the bridge registers with prom-client, on a fresh registry: what the ops
 * files (alert rules, dashboard) may name besides the Temporal SDK's own metrics below.
 */
export async function registeredMetricNames(): Promise<string[]> {
  const registry = new Registry();
  createHttpMetrics({ registry, defaultMetrics: false });
  createDispatcherMetrics(registry);
  createBitrixMetrics(registry);
  consumerLagGauge(registry);
  workflowGauges(registry);
  createReadiness({ registry });
  return (await registry.getMetricsAsJSON()).map((metric) => metric.name).sort();
}

/**
 * Metrics served through the Temporal Runtime's exporter (observability/temporal-logging.ts), not
 * prom-client: the workflows' metricMeter counters (no prefix, `_total` added) and the SDK's
 * own worker metrics (`temporal_` prefix). test/integration/metrics.test.ts checks them live.
 */
export const TEMPORAL_EXPORTED_METRICS = [
  'ringostat_calls_completed_total',
  'ringostat_call_parks_total',
  'temporal_workflow_task_execution_latency',
  'temporal_workflow_task_schedule_to_start_latency',
  'temporal_activity_execution_latency',
  'temporal_worker_task_slots_available',
] as const;
