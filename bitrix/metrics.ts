import { Counter, Histogram, type Registry } from 'prom-client';
import type { BitrixObserver } from './transport';
import { processRegistry, registeredOnce } from '../platform/metrics-registry';

/**
 * Bitrix24 requests by project, method and result (ok / rate-limited / transient / token /
 * bad-request, the classes of bitrix/errors.ts) and the client-side limiter's wait (B8, B10).
 * Give each project's client `observer: bitrixMetrics.observerFor(project.id)`.
 */
export interface BitrixMetrics {
  observerFor(projectId: string): BitrixObserver;
}

export function createBitrixMetrics(registry: Registry = processRegistry()): BitrixMetrics {
  const requests = registeredOnce(registry, 'ringostat_bridge_bitrix_requests_total', () => new Counter({
    name: 'ringostat_bridge_bitrix_requests_total', help: 'HTTP requests to Bitrix24 (a batch counts once) by method and result',
    labelNames: ['project', 'method', 'result'], registers: [registry],
  }));
  const duration = registeredOnce(registry, 'ringostat_bridge_bitrix_request_duration_seconds', () => new Histogram({
    name: 'ringostat_bridge_bitrix_request_duration_seconds', help: 'Time to Bitrix24\'s answer, per request',
    labelNames: ['project'], registers: [registry],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  }));
  const waited = registeredOnce(registry, 'ringostat_bridge_bitrix_limiter_wait_seconds', () => new Histogram({
    name: 'ringostat_bridge_bitrix_limiter_wait_seconds', help: 'Time a request waited for a slot of the portal\'s leaky bucket (client side)',
    labelNames: ['project'], registers: [registry],
    // From "no wait" to a 3-day backlog queued at 2 requests/s.
    buckets: [0.001, 0.01, 0.1, 0.5, 1, 5, 15, 60, 300, 900],
  }));
  return {
    observerFor: (project) => ({
      requested(method, result, seconds) {
        requests.inc({ project, method, result });
        duration.observe({ project }, seconds);
      },
      limiterWaited: (seconds) => waited.observe({ project }, seconds),
    }),
  };
}
