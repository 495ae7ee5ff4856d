import type { Logger } from '../platform/logger';

/**
 * Reads the Temporal SDK's Prometheus text (its exporter runs inside this process, on the
 * address given to the Runtime) so /metrics can append it: one scrape target for operators.
 * An unreachable exporter yields "" and a debug line, never a failed scrape of our own metrics.
 */
export async function fetchSdkMetrics(url: string, logger?: Logger, timeoutMs = 2_000): Promise<string> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const text = await response.text();
    return text.endsWith('\n') || text === '' ? text : `${text}\n`;
  } catch (err) {
    logger?.debug({ err, url }, 'Temporal SDK metrics not read');
    return '';
  }
}
