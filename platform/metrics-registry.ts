import { Registry } from 'prom-client';

/**
 * The registry of everything this process measures beyond HTTP: the dispatcher, Bitrix24
 * requests, sampled gauges, readiness. One per process because its producers (dispatcher,
 * activities, samplers) are composed in different places yet served by one /metrics; the HTTP
 * server keeps its own registry (several servers may run in one test process) and serves both.
 */
let shared: Registry | undefined;

/** The one prefix of every metric the bridge exports (docs/contracts.md §5), the Temporal SDK's included. */
export const METRIC_PREFIX = 'ringostat_bridge_';

export function processRegistry(): Registry {
  shared ??= new Registry();
  return shared;
}

/** Gets a metric already on the registry, or registers it: samplers may start twice in one process (tests). */
export function registeredOnce<T>(registry: Registry, name: string, create: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? create();
}
