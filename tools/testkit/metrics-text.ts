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

/** Every metric family named in the alert rules and the dashboard's queries (histogram suffixes removed). */
export function metricNamesInOps(): string[] {
  const dashboard = JSON.parse(readFileSync(DASHBOARD_FILE, 'utf8')) as { panels: Array<{ targets?: Array<{ expr: string }> }>; templating: { list: Array<{ definition?: string }> } };
  const exprs = [
    ...dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr)),
    ...dashboard.templating.list.map((v) => v.definition ?? ''),
    ...[...readFileSync(ALERTS_FILE, 'utf8').matchAll(/^\s+expr: (?:\|\n)?([\s\S]*?)(?=\n\s+(?:for|labels):)/gm)].map((m) => m[1]!),
  ];
  const names = new Set<string>();
  for (const expr of exprs) {
    for (const [name] of expr.matchAll(/\b(?:ringostat|bridge|temporal)_[a-z0-9_]+/g)) names.add(name.replace(/_(bucket|count|sum)$/, ''));
    if (/\bup\{/.test(expr)) names.add('up');
  }
  return [...names].sort();
}
