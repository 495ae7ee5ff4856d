import { Counter, type Registry } from 'prom-client';
import { processRegistry, registeredOnce } from '../platform/metrics-registry';

/** What the Kafka dispatcher counts (B10, R2). `project` is a configured id or "unknown", never free text. */
export interface DispatcherMetrics {
  consumed(project: string, type: string, delivery: 'delivered' | 'already-done'): void;
  deadLettered(project: string, reason: string): void;
}

export function createDispatcherMetrics(registry: Registry = processRegistry()): DispatcherMetrics {
  const consumed = registeredOnce(registry, 'ringostat_bridge_events_consumed_total', () => new Counter({
    name: 'ringostat_bridge_events_consumed_total',
    help: 'Call events handed to their call workflow (delivered) or dropped as replays of a completed call (already-done)',
    labelNames: ['project', 'type', 'delivery'], registers: [registry],
  }));
  const deadLettered = registeredOnce(registry, 'ringostat_bridge_events_dead_lettered_total', () => new Counter({
    name: 'ringostat_bridge_events_dead_lettered_total',
    help: 'Events sent to the dead-letter topic, by reason (R2)',
    labelNames: ['project', 'reason'], registers: [registry],
  }));
  return {
    consumed: (project, type, delivery) => consumed.inc({ project, type, delivery }),
    deadLettered: (project, reason) => deadLettered.inc({ project, reason }),
  };
}
