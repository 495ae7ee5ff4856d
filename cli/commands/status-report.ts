import { redactSecrets } from '../../platform/logger';
import type { IntegrationState, ResendRun } from '../../schemas/workflow-io';
import type { ReconcileStatus } from '../../ringostat/ringostat-status';
import { kafkaSummary, temporalSummary, type KafkaHealth, type TemporalHealth } from '../../observability/cluster-health';
import type { CallCounts, LagStatus, Probe } from './status-probes';

const LAST_ERRORS = 5;

/**
 * What `status` may show of the integration workflow's state: a list of what is public, not a
 * list of what is secret, so a secret field added to the state later stays off the screen (R4).
 */
export type PublicIntegrationState = Pick<IntegrationState,
  'status' | 'credentialsVersion' | 'brokenSince' | 'brokenReason' | 'reactivations' | 'portal' | 'resend' | 'lastResend'>;
/** The integration workflow is started by the first failure or reactivation: until then nothing is wrong. */
export type IntegrationView = PublicIntegrationState | { status: 'not started' };

export interface ProjectStatus {
  projectId: string;
  timeZone: string;
  integration: Probe<IntegrationView>;
  calls: Probe<CallCounts>;
  /** Newest first. */
  lastErrors: IntegrationState['lastErrors'];
  /** B7: the reconciliation schedule's last run, its lag and the next run (projects with Ringostat only). */
  reconcile?: Probe<ReconcileStatus | null>;
}

export interface StatusReport {
  generatedAt: string;
  /** Why `status` exits 3; empty when all is well. */
  problems: string[];
  projects: ProjectStatus[];
  kafka: Probe<LagStatus>;
  /** **(added, issue 18)** E6: the Kafka and Temporal clusters' health (observability/cluster-health.ts). */
  cluster?: ClusterStatus;
  /** B9: Smart Phone cards published and not yet accepted by Ringostat (all projects). */
  pendingContactCards?: Probe<number>;
}

export interface ClusterStatus {
  kafka: Probe<KafkaHealth>;
  temporal: Probe<TemporalHealth>;
}

function publicRun(run: ResendRun | undefined): ResendRun | undefined {
  return run && { ...run, failures: run.failures.map(redactSecrets) };
}

export function projectStatus(
  project: { id: string; timeZone: string }, state: Probe<IntegrationState | null>, calls: Probe<CallCounts>,
): ProjectStatus {
  if (!state.ok) return { projectId: project.id, timeZone: project.timeZone, integration: state, calls, lastErrors: [] };
  const s = state.value;
  const integration: IntegrationView = s === null ? { status: 'not started' } : {
    status: s.status, credentialsVersion: s.credentialsVersion, reactivations: s.reactivations, portal: s.portal,
    brokenSince: s.brokenSince, brokenReason: s.brokenReason && redactSecrets(s.brokenReason),
    resend: publicRun(s.resend), lastResend: publicRun(s.lastResend),
  };
  // The workflow appends; an operator reads the newest first.
  const lastErrors = (s?.lastErrors ?? []).slice(-LAST_ERRORS).reverse().map((e) => ({ ...e, message: redactSecrets(e.message) }));
  return { projectId: project.id, timeZone: project.timeZone, integration: { ok: true, value: integration }, calls, lastErrors };
}

export function problemsOf(projects: ProjectStatus[], temporal: Probe<unknown>, kafka: Probe<LagStatus>, cluster?: ClusterStatus): string[] {
  // Temporal down: one line says so, instead of two per project.
  const problems: string[] = temporal.ok ? [] : [temporal.error];
  for (const p of projects) {
    if (!temporal.ok) continue;
    if (!p.integration.ok) problems.push(`${p.projectId}: integration state unavailable (${p.integration.error})`);
    else if (p.integration.value.status === 'broken') {
      const { brokenSince, brokenReason } = p.integration.value;
      problems.push(`${p.projectId}: broken${brokenSince ? ` since ${brokenSince}` : ''}${brokenReason ? ` — ${brokenReason}` : ''}`);
    }
    if (!p.calls.ok) problems.push(`${p.projectId}: calls unavailable (${p.calls.error})`);
  }
  if (!kafka.ok) problems.push(kafka.error);
  // E6: what the clusters' health calls a problem (a partition without leader or below its min ISR,
  // a Temporal service without members). A probe that failed says no more than the ones above.
  if (cluster?.kafka.ok) problems.push(...cluster.kafka.value.problems.map((p) => `kafka: ${p}`));
  if (cluster?.temporal.ok) problems.push(...cluster.temporal.value.problems.map((p) => `temporal: ${p}`));
  return problems;
}

/** JSON for scripts: each section's value, or `{ "error": "…" }` where it could not be read. */
export function reportJson(report: StatusReport): unknown {
  const unwrap = <T>(p: Probe<T>) => (p.ok ? p.value : { error: p.error });
  return {
    ...report,
    projects: report.projects.map((p) => ({ ...p, integration: unwrap(p.integration), calls: unwrap(p.calls), ...(p.reconcile ? { reconcile: unwrap(p.reconcile) } : {}) })),
    kafka: unwrap(report.kafka),
    ...(report.cluster ? { cluster: { kafka: unwrap(report.cluster.kafka), temporal: unwrap(report.cluster.temporal) } } : {}),
    ...(report.pendingContactCards ? { pendingContactCards: unwrap(report.pendingContactCards) } : {}),
  };
}

function age(fromIso: string, now: Date): string {
  const minutes = Math.max(0, Math.floor((now.getTime() - Date.parse(fromIso)) / 60_000));
  if (minutes < 1) return '<1m';
  if (minutes < 60) return `${minutes}m`;
  if (minutes < 48 * 60) return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
  return `${Math.floor(minutes / 1440)}d${Math.floor((minutes % 1440) / 60)}h`;
}

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  return rows.map((row) => row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ').trimEnd()).join('\n');
}

function resendLine(run: ResendRun): string {
  const counts = `calls ${run.calls}, resent ${run.resent}, already done ${run.alreadyDone}, in progress ${run.inProgress ?? 0}, skipped ${run.skipped}, failed ${run.failed}`;
  if (!run.resend) return `no resend (parked calls closed as skipped: ${run.parkedSkipped}), ${run.finishedAt ?? run.startedAt}`;
  const events = `events ${run.read}/${run.total} since ${run.since}`;
  return run.finishedAt ? `${run.finishedAt}: ${counts} (${events}, parked resumed ${run.parkedResumed})` : `started ${run.startedAt}: ${events}; ${counts}`;
}

function integrationLines(view: IntegrationView): string[] {
  if (view.status === 'not started') return ['  integration   not started (no failure or reactivation yet)'];
  const lines = [`  integration   ${view.status}, credentials version ${view.credentialsVersion}, reactivations ${view.reactivations}` +
    `${view.portal ? `, portal ${view.portal}` : ''}`];
  if (view.status === 'broken') lines.push(`  broken        since ${view.brokenSince ?? '?'}${view.brokenReason ? ` — ${view.brokenReason}` : ''}`);
  if (view.resend) lines.push(`  resending     ${resendLine(view.resend)}`);
  if (view.lastResend) lines.push(`  last resend   ${resendLine(view.lastResend)}`);
  return lines;
}

function overviewRow(p: ProjectStatus, now: Date): string[] {
  const integration = p.integration.ok ? p.integration.value.status : 'unavailable';
  const since = p.integration.ok && p.integration.value.status === 'broken' && p.integration.value.brokenSince
    ? `${age(p.integration.value.brokenSince, now)} ago` : '-';
  const calls = p.calls.ok ? p.calls.value : undefined;
  const oldest = calls?.oldestParked ? `${age(calls.oldestParked.startTime, now)} ago${calls.oldestScanCapped ? ' (of first 10,000)' : ''}` : '-';
  return [p.projectId, integration, since, calls ? String(calls.running) : '?', calls ? String(calls.parked) : '?', oldest];
}

export function formatHuman(report: StatusReport, topic: string, now: Date): string {
  const lines = [table([['PROJECT', 'INTEGRATION', 'BROKEN FOR', 'RUNNING', 'PARKED', 'OLDEST PARKED'], ...report.projects.map((p) => overviewRow(p, now))]), ''];
  for (const p of report.projects) {
    lines.push(`${p.projectId} (${p.timeZone})`);
    lines.push(...(p.integration.ok ? integrationLines(p.integration.value) : [`  integration   unavailable: ${p.integration.error}`]));
    if (!p.calls.ok) lines.push(`  calls         unavailable: ${p.calls.error}`);
    else if (p.calls.value.oldestParked) lines.push(`  oldest parked ${p.calls.value.oldestParked.workflowId}, started ${p.calls.value.oldestParked.startTime}`);
    if (p.calls.ok && p.calls.value.parkedTooLong > 0) {
      lines.push(`  parked too long ${p.calls.value.parkedTooLong} calls closed unwritten after PARKED_CALL_LIMIT_MS (CallOutcome='parked-too-long')`);
    }
    if (p.calls.ok && p.calls.value.retriesExhausted > 0) {
      lines.push(`  gave up       ${p.calls.value.retriesExhausted} calls with work given up when its retries ran out; their failures say which step and why (CallOutcome='retries-exhausted')`);
    }
    if (p.lastErrors.length > 0) lines.push('  last errors', ...p.lastErrors.map((e) => `    ${e.at}  ${e.type}  ${e.message}`));
    if (p.reconcile) lines.push(`  reconcile     ${reconcileLine(p.reconcile)}`);
  }
  lines.push('');
  const { kafka } = report;
  if (kafka.ok) {
    const parts = kafka.value.partitions.map((p) => `p${p.partition}:${p.lag}`).join(' ');
    lines.push(`kafka ${kafka.value.topic}, group ${kafka.value.group}: lag ${kafka.value.lag}` +
      `${kafka.value.noCommittedOffsets ? ' (no committed offsets yet)' : ''}${parts ? ` [${parts}]` : ''}`);
  } else lines.push(`kafka ${topic}: unavailable: ${kafka.error}`);
  if (report.cluster) lines.push(...clusterLines(report.cluster));
  if (report.pendingContactCards) {
    lines.push(`ringostat contact cards waiting: ${report.pendingContactCards.ok ? report.pendingContactCards.value : `unavailable: ${report.pendingContactCards.error}`}`);
  }
  if (report.problems.length > 0) lines.push('', 'problems', ...report.problems.map((problem) => `  ${problem}`));
  return `${lines.join('\n')}\n`;
}

function reconcileLine(probe: Probe<ReconcileStatus | null>): string {
  if (!probe.ok) return `unavailable: ${probe.error}`;
  const r = probe.value;
  if (!r) return 'no schedule (set ringostat.reconcileEvery)';
  const last = r.lastRun
    ? `last run ${r.lastRun.startedAt} ${r.lastRun.status.toLowerCase()}${r.lastRun.result ? `, recovered ${r.lastRun.result.recovered}` : ''}${r.lastRun.error ? ` — ${redactSecrets(r.lastRun.error)}` : ''}`
    : 'no run yet';
  return `${r.paused ? 'paused; ' : ''}${last}${r.lagSeconds !== undefined ? `, lag ${r.lagSeconds} s` : ''}${r.nextRunAt ? `, next ${r.nextRunAt}` : ''}`;
}

/** E6: one line per cluster, then its warnings (its problems are in the problems list). */
function clusterLines(cluster: ClusterStatus): string[] {
  const section = <T extends { warnings: string[] }>(name: string, probe: Probe<T>, summary: (health: T) => string) => (probe.ok
    ? [`${name} cluster: ${summary(probe.value)}`, ...probe.value.warnings.map((w) => `  warning: ${w}`)]
    : [`${name} cluster: unavailable: ${probe.error}`]);
  return [...section('kafka', cluster.kafka, kafkaSummary), ...section('temporal', cluster.temporal, temporalSummary)];
}
