import { Gauge, type Registry } from 'prom-client';
import { processRegistry, registeredOnce } from '../platform/metrics-registry';

/**
 * /readyz (docs/contracts.md §5): named checks that the composer registers, e.g.
 *   readiness.register('worker', () => worker.getState() === 'RUNNING')
 * A check answers true (ready), false, a string naming what is wrong, or a CheckOutcome that
 * also carries what it saw (the cluster's health, issue 18); a throw or a check slower than its
 * timeout counts as not ready, with the reason.
 */
export type ReadinessCheck = () => CheckAnswer | Promise<CheckAnswer>;
export type CheckAnswer = boolean | string | CheckOutcome;

export interface CheckOutcome {
  ok: boolean;
  reason?: string;
  /** What the check saw, served as the check's `detail` (e.g. the Kafka cluster's brokers and partitions). */
  detail?: unknown;
}

export interface CheckResult {
  ok: boolean;
  /** Why not, when not. */
  reason?: string;
  /** **(added, issue 18)** What the check saw, when it says. */
  detail?: unknown;
}

export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, CheckResult>;
}

export interface Readiness {
  /** Adds (or replaces) a named check; the returned function removes it again. */
  register(name: string, check: ReadinessCheck): () => void;
  evaluate(): Promise<ReadinessReport>;
  names(): string[];
}

export const CHECK_TIMEOUT_MS = 2_000;

export function createReadiness(options: { timeoutMs?: number; registry?: Registry } = {}): Readiness {
  const checks = new Map<string, ReadinessCheck>();
  const timeoutMs = options.timeoutMs ?? CHECK_TIMEOUT_MS;

  const readiness: Readiness = {
    register(name, check) {
      checks.set(name, check);
      return () => {
        if (checks.get(name) === check) checks.delete(name);
      };
    },
    async evaluate() {
      const entries = await Promise.all([...checks].map(async ([name, check]) => [name, await run(check, timeoutMs)] as const));
      return { ready: entries.every(([, result]) => result.ok), checks: Object.fromEntries(entries) };
    },
    names: () => [...checks.keys()],
  };
  if (options.registry) exportReadinessGauge(options.registry, readiness);
  return readiness;
}

/**
 * `ringostat_bridge_ready{check}` (1/0), evaluated on each scrape: Prometheus reads /metrics, not
 * /readyz, and the "worker down" alert needs to see a worker that stopped in a live process.
 */
function exportReadinessGauge(registry: Registry, readiness: Readiness): void {
  registeredOnce(registry, 'ringostat_bridge_ready', () => new Gauge({
    name: 'ringostat_bridge_ready', help: 'Readiness of each part of the bridge (1 ready, 0 not), as /readyz reports it',
    labelNames: ['check'], registers: [registry],
    async collect() {
      const report = await readiness.evaluate();
      this.reset();
      for (const [name, result] of Object.entries(report.checks)) this.set({ check: name }, result.ok ? 1 : 0);
    },
  }));
}

async function run(check: ReadinessCheck, timeoutMs: number): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const outcome = await Promise.race([
      Promise.resolve().then(check),
      new Promise<string>((resolve) => { timer = setTimeout(() => resolve(`no answer within ${timeoutMs} ms`), timeoutMs); }),
    ]);
    if (typeof outcome === 'object') {
      const reason = outcome.ok ? undefined : outcome.reason ?? 'not ready';
      return { ok: outcome.ok, ...(reason !== undefined ? { reason } : {}), ...(outcome.detail !== undefined ? { detail: outcome.detail } : {}) };
    }
    if (outcome === true) return { ok: true };
    return { ok: false, reason: outcome === false ? 'not ready' : outcome };
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? err.message : String(err) };
  } finally {
    clearTimeout(timer);
  }
}

let shared: Readiness | undefined;

/** The process's readiness, served by its /readyz and exported as `ringostat_bridge_ready`. */
export function processReadiness(): Readiness {
  shared ??= createReadiness({ registry: processRegistry() });
  return shared;
}
