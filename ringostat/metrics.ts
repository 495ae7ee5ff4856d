import { Counter, Gauge, register, type Registry } from 'prom-client';

/**
 * The Ringostat side's metrics (B7, B9, B10), labelled by project. They go on the registry
 * the process serves at /metrics; prom-client's default one unless the composer passes another.
 * Registered once per registry: the worker and the dispatcher may share a process (tests, demo).
 */
export interface RingostatMetrics {
  reconcileRuns: Counter<'project' | 'outcome'>;
  reconcileCalls: Counter<'project' | 'result'>;
  reconcileLastRun: Gauge<'project'>;
  reconcileLag: Gauge<'project'>;
  reconcileClockSkew: Counter<'project' | 'sign'>;
  cardsPublished: Counter<'project' | 'outcome'>;
  cardsSynced: Counter<'project' | 'outcome'>;
  cardSyncErrors: Counter<'project' | 'kind'>;
}

function once<T>(registry: Registry, name: string, create: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? create();
}

export function ringostatMetrics(registry: Registry = register): RingostatMetrics {
  const counter = <L extends string>(name: string, help: string, labelNames: L[]) =>
    once(registry, name, () => new Counter<L>({ name, help, labelNames, registers: [registry] }));
  const gauge = (name: string, help: string) =>
    once(registry, name, () => new Gauge<'project'>({ name, help, labelNames: ['project'], registers: [registry] }));
  return {
    reconcileRuns: counter('ringostat_bridge_reconcile_runs_total', 'Reconciliation runs (B7) by outcome (ok, failed)', ['project', 'outcome']),
    reconcileCalls: counter('ringostat_bridge_reconcile_calls_total',
      'Calls of Ringostat\'s log by what reconciliation did: recovered (never seen), unfinished, already_done, skipped, failed', ['project', 'result']),
    reconcileLastRun: gauge('ringostat_bridge_reconcile_last_run_timestamp_seconds', 'When the last reconciliation run finished'),
    reconcileLag: gauge('ringostat_bridge_reconcile_lag_seconds', 'Age of the newest call the last run checked, at its end'),
    reconcileClockSkew: counter('ringostat_bridge_reconcile_clock_skew_suspected_total',
      'Reconciliation runs whose call log looked shifted in time (ringostat.timeZone wrong?), by sign: future-rows, rows-after-bridge, empty-window',
      ['project', 'sign']),
    cardsPublished: counter('ringostat_bridge_contact_cards_published_total',
      'Smart Phone cards (B9) put on Kafka after a call, or not: published, failed, invalid', ['project', 'outcome']),
    cardsSynced: counter('ringostat_bridge_contact_cards_synced_total',
      'Smart Phone cards sent to Ringostat\'s contact book: synced, superseded (a newer card of the client in the batch), rejected, auth_failed', ['project', 'outcome']),
    cardSyncErrors: counter('ringostat_bridge_contact_card_sync_errors_total',
      'Failed contact-book requests by kind (auth, bad-request, rate-limited, unavailable)', ['project', 'kind']),
  };
}
