import { ScheduleNotFoundError, type Client } from '@temporalio/client';
import type { Kafka } from 'kafkajs';
import { DEFAULT_CONTACT_CARDS_TOPIC } from '../platform/kafka-topics';
import type { ReconcileResult } from '../schemas/reconcile';
import { reconcileScheduleId } from '../workflows/contract';
import { CONTACT_CARDS_GROUP } from './contact-card-sync';

/**
 * What `status` can tell of B7 and B9, read from Temporal and Kafka only (R7): the reconcile
 * schedule's last run (its result, or why it failed) and lag, and the contact cards still
 * waiting for Ringostat (the sync group's lag; one topic for all projects).
 */
export interface ReconcileStatus {
  scheduleId: string;
  paused: boolean;
  nextRunAt?: string;
  lastRun?: {
    workflowId: string;
    startedAt: string;
    status: string;
    result?: ReconcileResult;
    /** Why the run failed (e.g. Ringostat refused the apiKey). */
    error?: string;
  };
  /** Age of the newest call the last finished run checked, in seconds. */
  lagSeconds?: number;
}

export async function reconcileStatus(temporal: Client, projectId: string): Promise<ReconcileStatus | undefined> {
  const scheduleId = reconcileScheduleId(projectId);
  let description;
  try {
    description = await temporal.schedule.getHandle(scheduleId).describe();
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) return undefined;
    throw err;
  }
  const status: ReconcileStatus = {
    scheduleId, paused: description.state.paused, nextRunAt: description.info.nextActionTimes[0]?.toISOString(),
  };
  const last = description.info.recentActions.at(-1);
  if (!last) return status;
  const handle = temporal.workflow.getHandle(last.action.workflow.workflowId, last.action.workflow.firstExecutionRunId);
  const run = await handle.describe();
  status.lastRun = { workflowId: last.action.workflow.workflowId, startedAt: last.takenAt.toISOString(), status: run.status.name };
  if (run.status.name === 'COMPLETED') {
    const result = (await handle.result()) as ReconcileResult;
    status.lastRun.result = result;
    status.lagSeconds = Math.round((Date.now() - Date.parse(result.to)) / 1000);
  } else if (run.status.name !== 'RUNNING') {
    status.lastRun.error = await handle.result().then(() => undefined, (err: Error) => (err.cause as Error | undefined)?.message ?? err.message);
  }
  return status;
}

/** Cards published but not yet accepted by Ringostat (all projects). */
export async function pendingContactCards(kafka: Kafka, options: { topic?: string; groupId?: string } = {}): Promise<number> {
  const topic = options.topic ?? DEFAULT_CONTACT_CARDS_TOPIC;
  const admin = kafka.admin();
  await admin.connect();
  try {
    const high = await admin.fetchTopicOffsets(topic);
    const [committed] = await admin.fetchOffsets({ groupId: options.groupId ?? CONTACT_CARDS_GROUP, topics: [topic] });
    return high.reduce((sum, { partition, high: end, low }) => {
      const done = Number(committed?.partitions.find((p) => p.partition === partition)?.offset ?? -1);
      return sum + Number(end) - Math.max(done, Number(low));
    }, 0);
  } finally {
    await admin.disconnect();
  }
}
