import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { METRIC_PREFIX } from '../platform/metrics-registry';

/**
 * Prometheus metrics of the HTTP service (B4). A registry per server rather than prom-client's
 * global one: tests build several servers in one process, and the worker may expose its own.
 * Project labels only ever hold configured project ids (or "unknown"), never raw URL text,
 * so a scan of random URLs cannot blow up the series count.
 */
export interface HttpMetrics {
  registry: Registry;
  requests: Counter<'method' | 'route' | 'status'>;
  latency: Histogram<'method' | 'route'>;
  ingest: Counter<'project' | 'outcome' | 'reason'>;
  routing: Counter<'project' | 'result'>;
  routingLatency: Histogram<'project' | 'result'>;
}

export function createHttpMetrics(options: { registry?: Registry; defaultMetrics?: boolean } = {}): HttpMetrics {
  const registry = options.registry ?? new Registry();
  // Node's process metrics (CPU, memory, event loop) carry the bridge's one prefix too.
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX });
  return {
    registry,
    requests: new Counter({
      name: 'ringostat_bridge_http_requests_total', help: 'HTTP requests by route and status',
      labelNames: ['method', 'route', 'status'], registers: [registry],
    }),
    latency: new Histogram({
      name: 'ringostat_bridge_http_request_duration_seconds', help: 'HTTP request latency by route',
      labelNames: ['method', 'route'], registers: [registry],
      // Fine at the low end: the routing answer's warm target is 5 ms (P5).
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 1.5, 2.5, 5],
    }),
    ingest: new Counter({
      name: 'ringostat_bridge_ingest_webhooks_total', help: 'Ringostat webhooks accepted (published to Kafka) or rejected, by reason',
      labelNames: ['project', 'outcome', 'reason'], registers: [registry],
    }),
    routing: new Counter({
      name: 'ringostat_bridge_routing_answers_total', help: 'Smart-forwarding answers by result (matched, not-found, timeout, …)',
      labelNames: ['project', 'result'], registers: [registry],
    }),
    routingLatency: new Histogram({
      name: 'ringostat_bridge_routing_answer_seconds', help: 'Time to the smart-forwarding answer, by project and result',
      labelNames: ['project', 'result'], registers: [registry],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    }),
  };
}
