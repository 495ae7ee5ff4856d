/**
 * B10, T6: the Prometheus config and alert rules parse (promtool, from Debian's `prometheus`
 * package), the rules fire as meant on synthetic series (ops/prometheus/alerts.test.yml), and
 * every metric the rules and the Grafana dashboard name is one the bridge registers.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CLUSTER_WIDE_GAUGES, registeredMetricNames, TEMPORAL_EXPORTED_METRICS } from '../../observability/metric-catalog';
import { ALERTS_FILE, DASHBOARD_FILE, metricNamesInOps, opsExpressions } from '../../tools/testkit/metrics-text';

const opsDir = join(__dirname, '..', '..', 'ops');

function promtool(args: string[], cwd = opsDir): string {
  const found = spawnSync('promtool', ['--version']);
  assert.ok(!found.error, 'promtool is missing: `apt-get install prometheus` (Debian ships promtool in it; .ci/run installs it)');
  const run = spawnSync('promtool', args, { cwd, encoding: 'utf8' });
  assert.equal(run.status, 0, `promtool ${args.join(' ')}:\n${run.stdout}${run.stderr}`);
  return run.stdout;
}

void describe('Prometheus files (promtool)', () => {
  void it('alerts.yml: valid rules, each with a severity, a summary and a runbook in docs/runbook.md', () => {
    assert.match(promtool(['check', 'rules', ALERTS_FILE]), /SUCCESS: 12 rules found/);
    const text = readFileSync(ALERTS_FILE, 'utf8');
    const alerts = [...text.matchAll(/- alert: (\w+)/g)].map((m) => m[1]!);
    assert.deepEqual(alerts, [
      'BridgeDown', 'BridgeNotReady', 'IntegrationBroken', 'CallsParkedTooLong', 'EventsDeadLettered',
      'ConsumerLagHigh', 'BitrixErrorRateHigh', 'WorkflowTasksStalled',
      'ReconciliationFailed', 'ContactCardsNotDelivered', 'HttpServerErrors', 'IngestRejected',
    ]);
    assert.equal(text.match(/severity: (critical|warning)/g)?.length, alerts.length);
    assert.equal(text.match(/summary: /g)?.length, alerts.length);
    // Each alert's runbook is its own section of docs/runbook.md, which names CLI commands to run.
    const runbooks = [...text.matchAll(/runbook_url: "docs\/runbook\.md#([a-z]+)"/g)].map((m) => m[1]);
    assert.deepEqual(runbooks, alerts.map((alert) => alert.toLowerCase()));
    const runbook = readFileSync(join(opsDir, '..', 'docs', 'runbook.md'), 'utf8');
    for (const alert of alerts) {
      const section = new RegExp(`^## ${alert}$([\\s\\S]*?)(?=^## |(?![\\s\\S]))`, 'm').exec(runbook)?.[1];
      assert.ok(section, `docs/runbook.md has a section "## ${alert}"`);
      assert.match(section, /\*\*What it means\.\*\*/, `${alert}: what it means`);
      assert.match(section, /\*\*What to do\.\*\*/, `${alert}: what to do`);
    }
  });

  void it('the rules fire on the series they are meant for, with their annotations (promtool test rules)', () => {
    assert.match(promtool(['test', 'rules', 'alerts.test.yml'], join(opsDir, 'prometheus')), /SUCCESS/);
  });

  void it('prometheus.yml: a valid config that loads alerts.yml', () => {
    // The config names the rules by their path inside the Prometheus container.
    const config = readFileSync(join(opsDir, 'prometheus', 'prometheus.yml'), 'utf8');
    assert.match(config, /- \/etc\/prometheus\/alerts\.yml/);
    const dir = mkdtempSync(join(tmpdir(), 'prom-config-'));
    writeFileSync(join(dir, 'prometheus.yml'), config.replace('/etc/prometheus/alerts.yml', ALERTS_FILE));
    assert.match(promtool(['check', 'config', join(dir, 'prometheus.yml')]), /SUCCESS: 1 rule files found/);
  });
});

void describe('metric names in the rules and the dashboard', () => {
  void it('the cluster-wide gauges are read through max by, so replicas are not added up', () => {
    let reads = 0;
    for (const expr of opsExpressions()) {
      for (const gauge of CLUSTER_WIDE_GAUGES) {
        for (const match of expr.matchAll(new RegExp(`\\b${gauge}\\b`, 'g'))) {
          reads++;
          assert.match(expr.slice(0, match.index), /max by \([^)]*\) \($/, `${gauge} through max by in: ${expr}`);
        }
      }
    }
    assert.ok(reads >= 8, `${reads} reads of the cluster-wide gauges`);
  });

  void it('each is registered by the bridge or exported through the Temporal Runtime', async () => {
    const known = new Set<string>(['up', ...(await registeredMetricNames()), ...TEMPORAL_EXPORTED_METRICS]);
    const used = metricNamesInOps();
    assert.ok(used.length >= 15, `the ops files name ${used.length} metrics`);
    assert.deepEqual(used.filter((name) => !known.has(name)), []);
  });

  void it('the dashboard is provisioned from a JSON with a uid, a project variable and a query per panel', () => {
    const dashboard = JSON.parse(readFileSync(DASHBOARD_FILE, 'utf8')) as {
      uid: string; templating: { list: Array<{ name: string }> }; panels: Array<{ type: string; title: string; targets?: Array<{ expr: string }> }>;
    };
    assert.equal(dashboard.uid, 'ringostat-bridge');
    assert.deepEqual(dashboard.templating.list.map((v) => v.name), ['project']);
    for (const panel of dashboard.panels.filter((p) => p.type !== 'row')) assert.ok(panel.targets?.length, panel.title);
    const provider = readFileSync(join(opsDir, 'grafana', 'provisioning', 'dashboards', 'ringostat-bridge.yml'), 'utf8');
    assert.match(provider, /path: \/var\/lib\/grafana\/dashboards/);
    const datasource = readFileSync(join(opsDir, 'grafana', 'provisioning', 'datasources', 'prometheus.yml'), 'utf8');
    assert.match(datasource, /uid: prometheus/);
  });

  void it('every dashboard query is valid PromQL (checked by promtool as recording rules)', () => {
    const dashboard = JSON.parse(readFileSync(DASHBOARD_FILE, 'utf8')) as { panels: Array<{ targets?: Array<{ expr: string }> }> };
    const exprs = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
    const rules = exprs.map((expr, i) => `      - record: dashboard_query_${i}\n        expr: ${JSON.stringify(expr)}`).join('\n');
    const file = join(mkdtempSync(join(tmpdir(), 'dashboard-promql-')), 'queries.yml');
    writeFileSync(file, `groups:\n  - name: dashboard\n    rules:\n${rules}\n`);
    assert.match(promtool(['check', 'rules', file]), new RegExp(`SUCCESS: ${exprs.length} rules found`));
  });
});
