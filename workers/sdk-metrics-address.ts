import type { Settings } from '../config/settings';
import { DEFAULT_TEMPORAL_METRICS_ADDRESS } from '../observability/temporal-logging';

/**
 * Where the Temporal SDK exports its metrics (the process's /metrics merges them in):
 * TEMPORAL_METRICS_ADDRESS; else, for a process that runs the HTTP component, the default port —
 * when another process holds it, installTemporalLogging goes on without SDK metrics (a bind that
 * fails is the one check without a race). Worker- and dispatcher-only processes start many at
 * once on one host: they export the SDK's metrics only when told where.
 */
export function sdkMetricsAddress(settings: Readonly<Settings>, httpComponent: boolean): string | undefined {
  if (settings.temporalMetricsAddress) return settings.temporalMetricsAddress;
  return httpComponent ? DEFAULT_TEMPORAL_METRICS_ADDRESS : undefined;
}
