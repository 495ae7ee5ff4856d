import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Logger } from '../platform/logger';
import type { CallEvent } from '../schemas/call-event';
import { ringostatTimeZone, type ProjectConfig } from '../schemas/project-config';
import type { ClockSkewSign, ReconcileSummary } from '../schemas/reconcile';
import { callWorkflow, callWorkflowV2 } from '../workflows';
import { callWorkflowId } from '../workflows/contract';
import type { CallLogRow, RingostatClient } from './api-client';
import { readCallLog, rowToEvent, type ReadOptions } from './call-log';
import { parseRingostatDate } from './dates';

/**
 * B7: compares Ringostat's call log for a window with what the bridge did, and publishes a
 * `call.ended` event for every call whose workflow is missing (the webhook was lost) or has not
 * completed. A completed call is left alone. Publishing twice is harmless: the event id is
 * deterministic and the call workflow folds duplicates, so the CRM is written once (R1).
 */

export interface ReconcileDeps {
  client: RingostatClient;
  temporal: Client;
  project: ProjectConfig;
  /** Publishes events to the call-events topic, keyed by call. */
  publish(events: CallEvent[]): Promise<void>;
  logger: Logger;
}

type Verdict = 'missing' | 'unfinished' | 'completed';
interface Checked { verdict: Verdict; startedAt?: Date }

/**
 * How far a row's date may lie in the future, or after the bridge started the call's workflow,
 * before the call log counts as shifted. Time zones differ by whole hours (a few by 30 or 45
 * minutes); clocks and webhook delays by seconds.
 */
export const CLOCK_SKEW_TOLERANCE_MS = 15 * 60 * 1000;

/** Describes are cheap reads (no billable action); a few at a time keep the frontend calm. */
const CHECK_CONCURRENCY = 8;
const PUBLISH_SLICE = 200;
const LISTED_IDS = 100;

async function verdictOf(temporal: Client, projectId: string, callId: string): Promise<Checked> {
  try {
    const description = await temporal.workflow.getHandle(callWorkflowId(projectId, callId)).describe();
    return { verdict: description.status.name === 'COMPLETED' ? 'completed' : 'unfinished', startedAt: description.startTime };
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return { verdict: 'missing' };
    throw err;
  }
}

/** Call workflows of the project the bridge started within the window (Temporal visibility: one count). */
async function bridgeCallsIn(temporal: Client, projectId: string, window: { from: Date; to: Date }): Promise<number> {
  const types = [callWorkflow, callWorkflowV2].map((w) => `'${w.name}'`).join(', ');
  const query = `ProjectId='${projectId.replace(/'/g, '')}' AND WorkflowType IN (${types}) `
    + `AND StartTime >= '${window.from.toISOString()}' AND StartTime <= '${window.to.toISOString()}'`;
  return (await temporal.workflow.count(query)).count;
}

/**
 * Signs that Ringostat's dates are read on the wrong wall clock (ringostat.timeZone). An empty
 * log is checked against Temporal's visibility — one count query, only when the log is empty —
 * rather than against Kafka, whose events would have to be read back by timestamp.
 */
async function clockSkewOf(
  deps: ReconcileDeps, window: { from: Date; to: Date }, evidence: { rows: number; future: number; afterBridge: number },
): Promise<ReconcileSummary['clockSkew']> {
  const zone = ringostatTimeZone(deps.project);
  const signs: ClockSkewSign[] = [];
  const found: string[] = [];
  if (evidence.future > 0) {
    signs.push('future-rows');
    found.push(`${evidence.future} call${evidence.future === 1 ? ' is' : 's are'} dated in the future`);
  }
  if (evidence.afterBridge > 0) {
    signs.push('rows-after-bridge');
    found.push(`${evidence.afterBridge} call${evidence.afterBridge === 1 ? ' is' : 's are'} dated well after the bridge saw ${evidence.afterBridge === 1 ? 'it' : 'them'}`);
  }
  if (evidence.rows === 0) {
    const seen = await bridgeCallsIn(deps.temporal, deps.project.id, window);
    if (seen > 0) {
      signs.push('empty-window');
      found.push(`the call log is empty while the bridge started ${seen} call${seen === 1 ? '' : 's'} in the window`);
    }
  }
  if (signs.length === 0) return undefined;
  return { signs, detail: `${found.join('; ')}: Ringostat's dates look shifted — is its account on ${zone} (ringostat.timeZone)?` };
}

/** A row's calldate on Ringostat's wall clock, as epoch ms. */
function rowTime(row: CallLogRow, zone: string): number | undefined {
  return typeof row.calldate === 'string' || typeof row.calldate === 'number' ? parseRingostatDate(String(row.calldate), zone) : undefined;
}

export async function reconcileCalls(
  deps: ReconcileDeps, window: { from: Date; to: Date }, options: ReadOptions & { onChecked?(checked: number, total: number): void } = {},
): Promise<ReconcileSummary> {
  const { project, logger } = deps;
  const summary: ReconcileSummary = {
    projectId: project.id, from: window.from.toISOString(), to: window.to.toISOString(),
    listed: 0, recovered: 0, unfinished: 0, alreadyDone: 0, skipped: 0, failed: 0, publishedCallIds: [],
  };
  const rows = await readCallLog(deps.client, window, options);
  summary.listed = rows.length;

  const now = new Date();
  const zone = ringostatTimeZone(project);
  const candidates: CallEvent[] = [];
  const rowTimes = new Map<string, number>();
  let future = 0;
  for (const row of rows) {
    const at = rowTime(row, zone);
    if (at !== undefined && at > now.getTime() + CLOCK_SKEW_TOLERANCE_MS) future += 1;
    const mapped = rowToEvent(row, project, now);
    if (mapped.ok && at !== undefined) rowTimes.set(mapped.event.callId, at);
    if (mapped.ok) candidates.push(mapped.event);
    else if (mapped.reason === 'unmappable') {
      summary.failed += 1;
      logger.warn({ projectId: project.id, callId: mapped.callId, detail: mapped.detail }, 'reconcile: a call-log row cannot be read as a call');
    } else summary.skipped += 1;
  }

  const toPublish: Array<{ event: CallEvent; verdict: Verdict }> = [];
  let afterBridge = 0;
  for (let i = 0; i < candidates.length; i += CHECK_CONCURRENCY) {
    const slice = candidates.slice(i, i + CHECK_CONCURRENCY);
    const verdicts = await Promise.allSettled(slice.map((event) => verdictOf(deps.temporal, project.id, event.callId)));
    verdicts.forEach((verdict, j) => {
      const event = slice[j] as CallEvent;
      if (verdict.status === 'rejected') {
        summary.failed += 1;
        logger.warn({ projectId: project.id, callId: event.callId, err: verdict.reason }, 'reconcile: cannot check the call workflow');
        return;
      }
      // A late webhook or a backlog starts a workflow after its call; never long before it.
      const { startedAt } = verdict.value;
      const at = rowTimes.get(event.callId);
      if (startedAt && at !== undefined && at > startedAt.getTime() + CLOCK_SKEW_TOLERANCE_MS) afterBridge += 1;
      if (verdict.value.verdict === 'completed') summary.alreadyDone += 1;
      else toPublish.push({ event, verdict: verdict.value.verdict });
    });
    options.onChecked?.(Math.min(i + CHECK_CONCURRENCY, candidates.length), candidates.length);
  }

  for (let i = 0; i < toPublish.length; i += PUBLISH_SLICE) {
    const slice = toPublish.slice(i, i + PUBLISH_SLICE);
    try {
      await deps.publish(slice.map(({ event }) => event));
    } catch (err) {
      summary.failed += slice.length;
      logger.error({ projectId: project.id, err }, 'reconcile: publishing recovered calls failed');
      continue;
    }
    for (const { event, verdict } of slice) {
      if (verdict === 'missing') summary.recovered += 1;
      else summary.unfinished += 1;
      if (summary.publishedCallIds.length < LISTED_IDS) summary.publishedCallIds.push(event.callId);
    }
  }
  const clockSkew = await clockSkewOf(deps, window, { rows: rows.length, future, afterBridge });
  if (clockSkew) {
    summary.clockSkew = clockSkew;
    logger.warn({ projectId: project.id, signs: clockSkew.signs, ringostatTimeZone: zone }, `reconcile: ${clockSkew.detail}`);
  }
  logger.info({ ...summary, publishedCallIds: undefined }, 'reconcile: window done');
  return summary;
}
