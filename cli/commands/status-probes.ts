import type { Client } from '@temporalio/client';
import type { Kafka } from 'kafkajs';
import { redactSecrets } from '../../platform/logger';
import { parkedCallsQuery } from '../../integration/integration-client';
import { readIntegrationStatus } from '../../integration/resend-progress';
import type { IntegrationState } from '../../schemas/workflow-io';
import { PARKED_TOO_LONG_OUTCOME, RETRIES_EXHAUSTED_OUTCOME } from '../../decisions';
import { callWorkflow, callWorkflowV2 } from '../../workflows';
import { isTemporalDeadline, seconds, withinDeadline } from '../deadlines';

/** Visibility pages are cheap but not free: the oldest parked call is looked for among this many. */
const OLDEST_SCAN_CAP = 10_000;

/** A probe's answer, or why there is none (the message is redacted: it may quote a webhook URL). */
export type Probe<T> = { ok: true; value: T } | { ok: false; error: string };

export interface CallCounts {
  running: number;
  parked: number;
  /** Calls closed because they stayed parked past PARKED_CALL_LIMIT_MS (kept as long as Temporal retains them). */
  parkedTooLong: number;
  /** **(added, issue 16)** Calls some of whose work was given up when its retries ran out (CallOutcome='retries-exhausted'). */
  retriesExhausted: number;
  oldestParked?: { workflowId: string; startTime: string };
  /** More parked calls than were scanned: the oldest is the oldest of the first OLDEST_SCAN_CAP. */
  oldestScanCapped: boolean;
}

export interface LagStatus {
  topic: string;
  group: string;
  lag: number;
  partitions: { partition: number; high: number; committed: number | null; lag: number }[];
  /** True when the group never committed: the lag is then everything the topic retains. */
  noCommittedOffsets: boolean;
}

/** How much longer than one request's deadline a probe of several requests may take. */
const PROBE_MARGIN_MS = 1000;

/**
 * Each probe answers or gives up on its own, so one dead server never hides what the others
 * know. Every request inside has the --timeout deadline and fails with a message naming its
 * server; this deadline, a little later, bounds a probe's several requests together.
 */
export async function probe<T>(what: string, timeoutMs: number, fn: () => Promise<T>): Promise<Probe<T>> {
  const ms = timeoutMs + PROBE_MARGIN_MS;
  try {
    return { ok: true, value: await withinDeadline(ms, fn, () => new Error(`no answer within ${seconds(ms)}`)) };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    // "Kafka cannot be reached: …" names its server already; the probe's name would repeat it.
    return { ok: false, error: / cannot be reached: /.test(message) ? redactSecrets(message) : `${what}: ${redactSecrets(message)}` };
  }
}

export async function callCounts(temporal: Client, projectId: string): Promise<CallCounts> {
  // Both versions of the call workflow: calls started before an upgrade run version 1 to the end.
  const running = `ProjectId='${projectId}' AND WorkflowType IN (${[callWorkflow, callWorkflowV2].map((w) => `'${w.name}'`).join(', ')}) AND ExecutionStatus='Running'`;
  const parkedQuery = parkedCallsQuery(projectId);
  const tooLong = `ProjectId='${projectId.replace(/'/g, '')}' AND CallOutcome='${PARKED_TOO_LONG_OUTCOME}'`;
  const exhausted = `ProjectId='${projectId.replace(/'/g, '')}' AND CallOutcome='${RETRIES_EXHAUSTED_OUTCOME}'`;
  const [runningCount, parkedCount, tooLongCount, exhaustedCount] = await Promise.all([
    temporal.workflow.count(running), temporal.workflow.count(parkedQuery), temporal.workflow.count(tooLong), temporal.workflow.count(exhausted),
  ]);
  const counts: CallCounts = {
    running: runningCount.count, parked: parkedCount.count, parkedTooLong: tooLongCount.count, retriesExhausted: exhaustedCount.count, oldestScanCapped: false,
  };
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

/** The integration workflow's own view (R7); `null` when it was never started for the project. */
export async function integrationState(temporal: Client, projectId: string): Promise<IntegrationState | null> {
  try {
    // A query needs a worker; the CLI's call deadline turns "no worker running" into an error instead of a hang.
    return (await readIntegrationStatus(temporal, projectId)) ?? null;
  } catch (err) {
    // grpc DEADLINE_EXCEEDED: the workflow exists but no worker answered the query, or Temporal itself did not.
    if (isTemporalDeadline(err)) throw new Error('no answer to the query: is a bridge worker running?');
    throw err;
  }
}

/** Lag of the dispatcher group on the call-events topic: high watermark minus committed offset, summed. */
export async function consumerLag(kafka: () => Promise<Kafka>, topic: string, group: string): Promise<LagStatus> {
  const admin = (await kafka()).admin();
  await admin.connect();
  try {
    const [highs, committed] = await Promise.all([
      admin.fetchTopicOffsets(topic),
      admin.fetchOffsets({ groupId: group, topics: [topic] }),
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
    return { topic, group, lag: partitions.reduce((sum, p) => sum + p.lag, 0), partitions, noCommittedOffsets };
  } finally {
    await admin.disconnect();
  }
}

