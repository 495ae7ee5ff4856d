import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import type { Logger } from '../platform/logger';
import { METRIC_PREFIX } from '../platform/metrics-registry';

/**
 * The Temporal SDK's process-wide Runtime: its own logs (worker, core, workflow `log`) go into
 * the bridge's pino logger, so there is one structured stream, and its metrics (worker task
 * slots, poll and schedule latencies, and the workflows' own `metricMeter` counters such as
 * `ringostat_bridge_calls_completed`) go to a Prometheus endpoint that the bridge's /metrics merges
 * in (observability/temporal-sdk-metrics.ts), so Prometheus scrapes one target.
 * Runtime.install may run once per process, before any worker or native connection exists.
 */
let installed = false;
let sdkMetricsUrl: string | undefined;

/** Default of `npm start`; TEMPORAL_METRICS_ADDRESS moves it (e.g. 0.0.0.0:9464 to scrape it directly). */
export const DEFAULT_TEMPORAL_METRICS_ADDRESS = '127.0.0.1:9464';

export interface TemporalRuntimeOptions {
  /**
   * host:port of the SDK's Prometheus exporter (TEMPORAL_METRICS_ADDRESS, or workers/main.ts's
   * choice); none when unset (tests run many bridges on one machine: no fixed port by default).
   */
  metricsAddress?: string;
  /**
   * The address was chosen, not configured: if another process holds it (another bridge on this
   * host), export no SDK metrics rather than fail to start.
   */
  metricsAddressIsDefault?: boolean;
}

export function installTemporalLogging(logger: Logger, level: LogLevel = 'WARN', options: TemporalRuntimeOptions = {}): void {
  if (installed) return;
  installed = true;
  const log = logger.child({ component: 'temporal' });
  try {
    install(log, level, options.metricsAddress);
  } catch (err) {
    if (!options.metricsAddressIsDefault || !/address already in use/i.test(String(err))) throw err;
    log.warn({ address: options.metricsAddress }, 'the Temporal SDK metrics port is taken: this process exports no SDK metrics (set TEMPORAL_METRICS_ADDRESS)');
    // Runtime.create throws before it keeps an instance, so installing again is allowed.
    install(log, level, undefined);
  }
}

function install(log: Logger, level: LogLevel, bindAddress: string | undefined): void {
  Runtime.install({
    // workers/main.ts stops in order (dispatcher first, then the worker): no SDK signal handlers.
    shutdownSignals: [],
    logger: new DefaultLogger(level, ({ level: entryLevel, message, meta }) => {
      const fields = meta ?? {};
      if (entryLevel === 'ERROR') log.error(fields, message);
      else if (entryLevel === 'WARN') log.warn(fields, message);
      else if (entryLevel === 'INFO') log.info(fields, message);
      else log.debug(fields, message);
    }),
    ...(bindAddress ? {
      telemetryOptions: {
        // One prefix for all the bridge exports (docs/contracts.md §5): Core's own metrics get
        // METRIC_PREFIX + `temporal_` instead of `temporal_`; the workflows' metricMeter counters
        // are named with the prefix already (Core adds none to them). Base units in the names:
        // `_total` on counters, `_seconds` on the histograms of durations.
        metrics: {
          metricPrefix: `${METRIC_PREFIX}temporal_`,
          prometheus: { bindAddress, countersTotalSuffix: true, unitSuffix: true, useSecondsForDurations: true },
        },
      },
    } : {}),
  });
  if (bindAddress) sdkMetricsUrl = `http://${bindAddress.replace(/^0\.0\.0\.0:/, '127.0.0.1:').replace(/^\[::\]:/, '[::1]:')}/metrics`;
}

/** Where this process's SDK metrics can be read, when the Runtime exports them. */
export function temporalSdkMetricsUrl(): string | undefined {
  return sdkMetricsUrl;
}
