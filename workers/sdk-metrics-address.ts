import type { Settings } from '../config/settings';
import type { Logger } from '../platform/logger';
import { isPortListening } from '../platform/ports';
import { DEFAULT_TEMPORAL_METRICS_ADDRESS } from '../observability/temporal-logging';

/**
 * Where the Temporal SDK exports its metrics (the process's /metrics merges them in):
 * TEMPORAL_METRICS_ADDRESS; else, for a process that runs the HTTP component, the default port
 * when it is free. Worker- and dispatcher-only processes start many at once on one host, where a
 * shared default port would be raced for: they export the SDK's metrics only when told where.
 */
export async function sdkMetricsAddress(settings: Readonly<Settings>, httpComponent: boolean, logger: Logger): Promise<string | undefined> {
  if (settings.temporalMetricsAddress) return settings.temporalMetricsAddress;
  if (!httpComponent) return undefined;
  const address = DEFAULT_TEMPORAL_METRICS_ADDRESS;
  const [host, port] = address.split(':');
  if (await isPortListening(host ?? '127.0.0.1', Number(port))) {
    logger.warn({ address }, 'the Temporal SDK metrics port is taken: this process exports no SDK metrics (set TEMPORAL_METRICS_ADDRESS)');
    return undefined;
  }
  return address;
}
