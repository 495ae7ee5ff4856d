/**
 * Issue 17 item 6, metrics that add up: every metric the bridge registers (prom-client) or
 * exports through the Temporal SDK carries the one prefix, names its base unit, and is listed
 * in docs/contracts.md §5 — and §5 lists nothing the code does not register. The live check of
 * everything a real /metrics serves is in test/integration/metrics.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { METRIC_PREFIX, registeredMetrics, TEMPORAL_EXPORTED_METRICS } from '../../observability/metric-catalog';
import { contractMetricNames, inContract } from '../../tools/testkit/metrics-text';

describe('metric names (docs/contracts.md §5)', () => {
  it('every registered and SDK-exported metric has the prefix and is listed in §5', async () => {
    const names = [...(await registeredMetrics()).map((m) => m.name), ...TEMPORAL_EXPORTED_METRICS];
    assert.ok(names.length >= 25, `${names.length} metrics`);
    assert.deepEqual(names.filter((name) => !name.startsWith(METRIC_PREFIX)), [], `all start with ${METRIC_PREFIX}`);
    assert.deepEqual(names.filter((name) => !inContract(name)), [], 'all are in docs/contracts.md §5');
  });

  it('§5 lists only metrics the code registers, besides the families of Node and the Temporal SDK', async () => {
    const contract = contractMetricNames();
    assert.deepEqual(contract.families.sort(), ['ringostat_bridge_nodejs_', 'ringostat_bridge_process_', 'ringostat_bridge_temporal_']);
    const known = new Set<string>([...(await registeredMetrics()).map((m) => m.name), ...TEMPORAL_EXPORTED_METRICS]);
    const own = [...contract.names].filter((name) => !contract.families.some((family) => name.startsWith(family)));
    assert.deepEqual(own.filter((name) => !known.has(name)), [], 'listed in §5 but registered nowhere');
  });

  it('base units in the names: counters end in _total, histograms (all durations) in _seconds', async () => {
    for (const { name, type } of await registeredMetrics()) {
      if (type === 'counter') assert.match(name, /_total$/, name);
      if (type === 'histogram') assert.match(name, /_seconds$/, name);
      if (type === 'gauge') assert.doesNotMatch(name, /_total$/, name);
    }
    for (const name of TEMPORAL_EXPORTED_METRICS) assert.match(name, /_(total|seconds|available)$/, name);
  });
});
