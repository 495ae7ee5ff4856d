import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Helpers for Prometheus text and for the metric names the ops files use (alert rules and the
 * Grafana dashboard), so tests can check those names against what the bridge really serves.
 */
const root = join(__dirname, '..', '..');
export const ALERTS_FILE = join(root, 'ops', 'prometheus', 'alerts.yml');
export const DASHBOARD_FILE = join(root, 'ops', 'grafana', 'dashboards', 'ringostat-bridge.json');

/** The value of the first sample of `name` whose labels include all of `labels`. */
export function sampleValue(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const labelText = line.slice(name.length).split('}')[0] ?? '';
    if (Object.entries(labels).every(([k, v]) => labelText.includes(`${k}="${v}"`))) return Number(line.split(' ').pop());
  }
  return undefined;
}

/** Metric family names a /metrics text serves (from its # TYPE lines and its samples). */
export function scrapedNames(text: string): Set<string> {
  const names = new Set<string>(['up']);
  for (const line of text.split('\n')) {
    const typed = /^# TYPE (\S+) /.exec(line);
    if (typed) names.add(typed[1]!);
    else if (/^[a-zA-Z_]/.test(line)) names.add(line.split(/[{ ]/)[0]!);
  }
  return names;
}

/** The PromQL of the dashboard's panels and of the alert rules. */
export function opsExpressions(): string[] {
  const dashboard = JSON.parse(readFileSync(DASHBOARD_FILE, 'utf8')) as { panels: Array<{ targets?: Array<{ expr: string }> }> };
  return [
    ...dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr)),
    ...[...readFileSync(ALERTS_FILE, 'utf8').matchAll(/^\s+expr: (?:\|\n)?([\s\S]*?)(?=\n\s+(?:for|labels):)/gm)].map((m) => m[1]!),
  ];
}

/** Every metric family named in the alert rules and the dashboard's queries and variables (histogram suffixes removed). */
export function metricNamesInOps(): string[] {
  const dashboard = JSON.parse(readFileSync(DASHBOARD_FILE, 'utf8')) as { templating: { list: Array<{ definition?: string }> } };
  const exprs = [...opsExpressions(), ...dashboard.templating.list.map((v) => v.definition ?? '')];
  const names = new Set<string>();
  for (const expr of exprs) {
    for (const [name] of expr.matchAll(/\b(?:ringostat|bridge|temporal)_[a-z0-9_]+/g)) names.add(name.replace(/_(bucket|count|sum)$/, ''));
    if (/\bup\{/.test(expr)) names.add('up');
  }
  return [...names].sort();
}

/**
 * The metric names docs/contracts.md §5 lists: every backquoted `ringostat_bridge_…` in the rows
 * of its tables. A name ending in `*` is a family (Node's process metrics, the Temporal SDK's).
 */
export function contractMetricNames(): { names: Set<string>; families: string[] } {
  const contracts = readFileSync(join(root, 'docs', 'contracts.md'), 'utf8');
  const section = /^## 5\..*$([\s\S]*?)(?=^## \d|(?![\s\S]))/m.exec(contracts)?.[1] ?? '';
  const listed = section.split('\n').filter((line) => line.startsWith('|'))
    .flatMap((row) => [...row.matchAll(/`(ringostat_bridge_[a-z0-9_]*\*?)`/g)].map((m) => m[1]!));
  return {
    names: new Set(listed.filter((name) => !name.endsWith('*'))),
    families: listed.filter((name) => name.endsWith('*')).map((name) => name.slice(0, -1)),
  };
}

/** Whether §5 lists `name`, by itself or as one of a family. */
export function inContract(name: string, contract = contractMetricNames()): boolean {
  return contract.names.has(name) || contract.families.some((family) => name.startsWith(family));
}
