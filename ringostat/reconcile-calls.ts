import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Logger } from '../platform/logger';
import type { CallEvent } from '../schemas/call-event';
import type { ProjectConfig } from '../schemas/project-config';
import type { ReconcileSummary } from '../schemas/reconcile';
import { callWorkflowId } from '../workflows/contract';
import type { RingostatClient } from './api-client';
import { readCallLog, rowToEvent, type ReadOptions } from './call-log';

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

/** Describes are cheap reads (no billable action); a few at a time keep the frontend calm. */
const CHECK_CONCURRENCY = 8;
const PUBLISH_SLICE = 200;
const LISTED_IDS = 100;

async function verdictOf(temporal: Client, projectId: string, callId: string): Promise<Verdict> {
  try {
    const description = await temporal.workflow.getHandle(callWorkflowId(projectId, callId)).describe();
    return description.status.name === 'COMPLETED' ? 'completed' : 'unfinished';
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return 'missing';
    throw err;
  }
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
  const candidates: CallEvent[] = [];
  for (const row of rows) {
    const mapped = rowToEvent(row, project, now);
    if (mapped.ok) candidates.push(mapped.event);
    else if (mapped.reason === 'unmappable') {
      summary.failed += 1;
      logger.warn({ projectId: project.id, callId: mapped.callId, detail: mapped.detail }, 'reconcile: a call-log row cannot be read as a call');
    } else summary.skipped += 1;
  }

  const toPublish: Array<{ event: CallEvent; verdict: Verdict }> = [];
  for (let i = 0; i < candidates.length; i += CHECK_CONCURRENCY) {
    const slice = candidates.slice(i, i + CHECK_CONCURRENCY);
    const verdicts = await Promise.allSettled(slice.map((event) => verdictOf(deps.temporal, project.id, event.callId)));
    verdicts.forEach((verdict, j) => {
      const event = slice[j] as CallEvent;
      if (verdict.status === 'rejected') {
        summary.failed += 1;
        logger.warn({ projectId: project.id, callId: event.callId, err: verdict.reason }, 'reconcile: cannot check the call workflow');
      } else if (verdict.value === 'completed') summary.alreadyDone += 1;
      else toPublish.push({ event, verdict: verdict.value });
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
  logger.info({ ...summary, publishedCallIds: undefined }, 'reconcile: window done');
  return summary;
}
