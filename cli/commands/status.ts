import type { Client } from '@temporalio/client';
import type { Command } from 'commander';
import type { Kafka } from 'kafkajs';
import { connect } from 'node:net';
import { describeWebhook, parseWebhookUrl } from '../../bitrix/webhook-url';
import { brokersFromEnv } from '../../lib/kafka';
import { redactSecrets } from '../../lib/logger';
import { parkedCallsQuery } from '../../lib/parked-calls';
import type { ProjectConfig } from '../../schemas/project-config';
import { integrationWorkflowId, type IntegrationState } from '../../schemas/workflow-io';
import { integrationStateQuery } from '../../workflows/messages';
import type { CliContext } from '../context';

/** The dispatcher's consumer group (dispatcher/kafka-dispatcher.ts default). */
export const DISPATCHER_GROUP = 'ringostat-bridge-dispatcher';
/** Visibility pages are cheap but not free: the oldest parked call is looked for among this many. */
const OLDEST_SCAN_CAP = 10_000;
const LAST_ERRORS = 5;
// Each probe answers or gives up on its own, so one dead server never hides what the others know.
const PROBE_TIMEOUT_MS = 10_000;

/** A probe's answer, or why there is none (the message is redacted: it may quote a webhook URL). */
type Probe<T> = { ok: true; value: T } | { ok: false; error: string };

interface CallCounts {
  running: number;
  parked: number;
  oldestParked?: { workflowId: string; startTime: string };
  /** More parked calls than were scanned: the oldest is the oldest of the first OLDEST_SCAN_CAP. */
  oldestScanCapped: boolean;
}

interface ProjectStatus {
  projectId: string;
  timeZone: string;
  webhook: string;
  credentials: Probe<{ version: number; status: 'active' | 'broken'; since?: string; reason?: string }>;
  /** `null`: the integration actor was never started (no failure, no reactivation yet). */
  integration: Probe<Omit<IntegrationState, 'lastErrors' | 'roundRobin'> | null>;
  calls: Probe<CallCounts>;
  lastErrors: IntegrationState['lastErrors'];
}

interface LagStatus {
  topic: string;
  group: string;
  lag: number;
  partitions: { partition: number; high: number; committed: number | null; lag: number }[];
  /** True when the group never committed: the lag is then everything the topic retains. */
  noCommittedOffsets: boolean;
}

async function probe<T>(what: string, fn: () => Promise<T>, onTimeout?: () => void): Promise<Probe<T>> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout?.();
      reject(new Error(`no answer in ${PROBE_TIMEOUT_MS / 1000} s`));
    }, PROBE_TIMEOUT_MS);
  });
  try {
    return { ok: true, value: await Promise.race([fn(), timeout]) };
  } catch (err) {
    return { ok: false, error: `${what}: ${redactSecrets(err instanceof Error ? err.message : String(err))}` };
  } finally {
    clearTimeout(timer);
  }
}

/** Portal and user only: the secret never reaches the screen (R4). */
function safeWebhook(url: string | undefined): string {
  if (!url) return '(none)';
  try {
    return describeWebhook(parseWebhookUrl(url));
  } catch {
    return '(not a valid webhook URL)';
  }
}

async function callCounts(temporal: Client, projectId: string): Promise<CallCounts> {
  const running = `ProjectId='${projectId}' AND WorkflowType='callWorkflow' AND ExecutionStatus='Running'`;
  const parkedQuery = parkedCallsQuery(projectId);
  const [runningCount, parkedCount] = await Promise.all([temporal.workflow.count(running), temporal.workflow.count(parkedQuery)]);
  const counts: CallCounts = { running: runningCount.count, parked: parkedCount.count, oldestScanCapped: false };
  if (parkedCount.count === 0) return counts;

  // Visibility has no portable ORDER BY (SQL stores lack it), so scan and keep the minimum.
  let scanned = 0;
  let oldest: { workflowId: string; startTime: Date } | undefined;
  for await (const execution of temporal.workflow.list({ query: parkedQuery })) {
    if (!oldest || execution.startTime < oldest.startTime) oldest = { workflowId: execution.workflowId, startTime: execution.startTime };
    scanned += 1;
    if (scanned >= OLDEST_SCAN_CAP) {
      counts.oldestScanCapped = parkedCount.count > scanned;
      break;
    }
  }
  if (oldest) counts.oldestParked = { workflowId: oldest.workflowId, startTime: oldest.startTime.toISOString() };
  return counts;
}

async function integrationState(temporal: Client, projectId: string): Promise<IntegrationState | null> {
  try {
    // A query needs a worker; the deadline turns "no worker running" into an error instead of a hang.
    return await temporal.withDeadline(Date.now() + PROBE_TIMEOUT_MS - 1000, () =>
      temporal.workflow.getHandle(integrationWorkflowId(projectId)).query(integrationStateQuery));
  } catch (err) {
    if ((err as Error).name === 'WorkflowNotFoundError') return null;
    // grpc DEADLINE_EXCEEDED (4): the workflow exists but no worker picked the query up.
    if ((err as { cause?: { code?: unknown } }).cause?.code === 4) throw new Error('no answer to the query: is a bridge worker running?');
    throw err;
  }
}

async function temporalProbes(temporal: Probe<Client>, projectId: string): Promise<[Probe<IntegrationState | null>, Probe<CallCounts>]> {
  if (!temporal.ok) {
    const failed = { ok: false as const, error: temporal.error };
    return [failed, failed];
  }
  return Promise.all([
    probe('integration query', () => integrationState(temporal.value, projectId)),
    probe('visibility', () => callCounts(temporal.value, projectId)),
  ]);
}

async function projectStatus(ctx: CliContext, project: ProjectConfig, temporal: Probe<Client>): Promise<ProjectStatus> {
  const stored = await probe('credential store', () => ctx.credentials.read(project.id));
  const [state, calls] = await temporalProbes(temporal, project.id);
  let integration: ProjectStatus['integration'] = state;
  let lastErrors: IntegrationState['lastErrors'] = [];
  if (state.ok && state.value) {
    const { lastErrors: errors, roundRobin: _roundRobin, ...rest } = state.value;
    integration = { ok: true, value: { ...rest, ...(rest.brokenReason ? { brokenReason: redactSecrets(rest.brokenReason) } : {}) } };
    // The actor appends; show the newest first.
    lastErrors = errors.slice(-LAST_ERRORS).reverse().map((e) => ({ ...e, message: redactSecrets(e.message) }));
  }
  return {
    projectId: project.id,
    timeZone: project.timeZone,
    webhook: safeWebhook((stored.ok ? stored.value.webhookUrl : undefined) ?? project.bitrix24.webhookUrl),
    credentials: stored.ok
      ? {
        ok: true,
        value: {
          version: stored.value.version,
          status: stored.value.status,
          // Version 0 is the config file's webhook: it has no meaningful "since".
          since: stored.value.status === 'broken' ? stored.value.brokenAt : stored.value.version > 0 ? stored.value.updatedAt : undefined,
          reason: stored.value.brokenReason && redactSecrets(stored.value.brokenReason),
        },
      }
      : stored,
    integration,
    calls,
    lastErrors,
  };
}

/**
 * kafkajs retries an unreachable cluster for minutes and cannot be told to stop, which would
 * keep the CLI alive long after it printed; one TCP connect decides first whether to try at all.
 */
function anyBrokerReachable(brokers: string[], timeoutMs = 3000): Promise<boolean> {
  return Promise.all(brokers.map((broker) => new Promise<boolean>((done) => {
    const at = broker.lastIndexOf(':');
    const socket = connect({ host: broker.slice(0, at).replace(/^\[|\]$/g, ''), port: Number(broker.slice(at + 1)) });
    socket.setTimeout(timeoutMs);
    socket.once('connect', () => { socket.destroy(); done(true); });
    socket.once('timeout', () => { socket.destroy(); done(false); });
    socket.once('error', () => done(false));
  }))).then((answers) => answers.some(Boolean));
}

/** Lag of the dispatcher group on the call-events topic: high watermark minus committed offset, summed. */
async function consumerLag(kafka: () => Kafka, topic: string, onAdmin: (disconnect: () => Promise<void>) => void): Promise<LagStatus> {
  const brokers = brokersFromEnv();
  if (!(await anyBrokerReachable(brokers))) throw new Error(`no broker reachable at ${brokers.join(', ')}`);
  const admin = kafka().admin();
  onAdmin(() => admin.disconnect());
  await admin.connect();
  try {
    const [highs, committed] = await Promise.all([
      admin.fetchTopicOffsets(topic),
      admin.fetchOffsets({ groupId: DISPATCHER_GROUP, topics: [topic] }),
    ]);
    const committedBy = new Map((committed[0]?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
    let noCommittedOffsets = true;
    const partitions = highs
      .map((p) => {
        const high = Number(p.high);
        const offset = committedBy.get(p.partition) ?? -1;
        if (offset >= 0) noCommittedOffsets = false;
        // No commit yet: the dispatcher subscribes from the beginning, so all retained messages are ahead of it.
        const lag = Math.max(0, high - (offset >= 0 ? offset : Number(p.low)));
        return { partition: p.partition, high, committed: offset >= 0 ? offset : null, lag };
      })
      .sort((a, b) => a.partition - b.partition);
    return { topic, group: DISPATCHER_GROUP, lag: partitions.reduce((sum, p) => sum + p.lag, 0), partitions, noCommittedOffsets };
  } finally {
    await admin.disconnect();
  }
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

function formatHuman(projects: ProjectStatus[], lag: Probe<LagStatus>, topic: string, now: Date): string {
  const rows = [['PROJECT', 'CREDENTIALS', 'INTEGRATION', 'RUNNING', 'PARKED', 'OLDEST PARKED']];
  for (const p of projects) {
    const credentials = p.credentials.ok ? `v${p.credentials.value.version} ${p.credentials.value.status}` : 'unavailable';
    const integration = !p.integration.ok ? 'unavailable'
      : p.integration.value === null ? 'no integration actor yet'
        : `${p.integration.value.status}${p.integration.value.brokenSince ? ` since ${p.integration.value.brokenSince}` : ''}`;
    const oldest = p.calls.ok && p.calls.value.oldestParked
      ? `${age(p.calls.value.oldestParked.startTime, now)} ago${p.calls.value.oldestScanCapped ? ' (of first 10,000)' : ''}` : '-';
    rows.push([p.projectId, credentials, integration, p.calls.ok ? String(p.calls.value.running) : '?', p.calls.ok ? String(p.calls.value.parked) : '?', oldest]);
  }
  const lines = [table(rows), ''];
  for (const p of projects) {
    lines.push(`${p.projectId} (${p.timeZone})`, `  webhook       ${p.webhook}`);
    if (p.credentials.ok) {
      const c = p.credentials.value;
      const since = c.since ? ` since ${c.since}` : c.version === 0 ? ' (from the config file)' : '';
      lines.push(`  credentials   version ${c.version}, ${c.status}${since}${c.reason ? ` — ${c.reason}` : ''}`);
    } else lines.push(`  credentials   unavailable: ${p.credentials.error}`);
    if (!p.integration.ok) lines.push(`  integration   unavailable: ${p.integration.error}`);
    else if (p.integration.value === null) lines.push('  integration   no integration actor yet');
    else {
      const s = p.integration.value;
      lines.push(`  integration   ${s.status}, credentials version ${s.credentialsVersion}, reactivations ${s.reactivations}` +
        `${s.brokenReason ? ` — ${s.brokenReason}` : ''}`);
    }
    if (!p.calls.ok) lines.push(`  calls         unavailable: ${p.calls.error}`);
    else if (p.calls.value.oldestParked) {
      lines.push(`  oldest parked ${p.calls.value.oldestParked.workflowId}, started ${p.calls.value.oldestParked.startTime}`);
    }
    if (p.lastErrors.length > 0) {
      lines.push('  last errors');
      for (const e of p.lastErrors) lines.push(`    ${e.at}  ${e.type}  ${e.message}`);
    }
  }
  lines.push('');
  if (lag.ok) {
    const parts = lag.value.partitions.map((p) => `p${p.partition}:${p.lag}`).join(' ');
    lines.push(`kafka ${lag.value.topic}, group ${lag.value.group}: lag ${lag.value.lag}` +
      `${lag.value.noCommittedOffsets ? ' (no committed offsets yet)' : ''}${parts ? ` [${parts}]` : ''}`);
  } else lines.push(`kafka ${topic}, group ${DISPATCHER_GROUP}: unavailable: ${lag.error}`);
  return `${lines.join('\n')}\n`;
}

/**
 * `status`: what an operator asks first when calls stop reaching the CRM — is the token broken,
 * how many calls wait, how far behind the dispatcher is, and what Bitrix24 last said (T1, B4).
 */
export function registerStatus(program: Command, context: () => CliContext): void {
  program
    .command('status')
    .description('integration state, parked and running calls, consumer lag and last Bitrix24 errors per project')
    .option('--project <id>', 'only this project')
    .option('--json', 'machine-readable output')
    .action(async (options: { project?: string; json?: boolean }) => {
      const ctx = context();
      const projects = options.project ? [await ctx.project(options.project)] : (await ctx.config()).projects;
      const temporal = await probe('temporal', () => ctx.temporal());
      let disconnect: (() => Promise<void>) | undefined;
      const lagPromise = probe('kafka', () => consumerLag(() => ctx.kafka(), ctx.topic, (d) => (disconnect = d)), () => {
        // kafkajs keeps retrying the connection in the background; stop it so the CLI can exit.
        disconnect?.().catch(() => undefined);
      });
      const statuses = await Promise.all(projects.map((project) => projectStatus(ctx, project, temporal)));
      const lag = await lagPromise;
      const now = new Date();
      if (options.json) {
        // Scripts get each section's value, or `{ "error": "…" }` where it could not be read.
        const unwrap = <T>(p: Probe<T>) => (p.ok ? p.value : { error: p.error });
        const projectsJson = statuses.map((p) => ({ ...p, credentials: unwrap(p.credentials), integration: unwrap(p.integration), calls: unwrap(p.calls) }));
        process.stdout.write(`${JSON.stringify({ generatedAt: now.toISOString(), projects: projectsJson, kafka: unwrap(lag) }, null, 2)}\n`);
      } else {
        process.stdout.write(formatHuman(statuses, lag, ctx.topic, now));
      }
    });
}
