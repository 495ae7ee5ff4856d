import type { Client } from '@temporalio/client';
import type { Logger } from '../platform/logger';
import { clientCreationShardWorkflow } from '../workflows';
import { BACKLOG_PRIORITY } from '../workflows/contract';
import { activityContext } from './activity-context';

/** Deadline of the one RPC: parking must never wait on it. */
const UPDATE_DEADLINE_MS = 5_000;

/**
 * A call about to park (its project's Bitrix24 token is invalid) becomes backlog now: the call
 * workflow's own priority drops to BACKLOG_PRIORITY (issue 15, P8). Its later CRM activities
 * carry that priority already (call-workflow.ts), but its workflow tasks take the workflow's own
 * priority, which only UpdateWorkflowExecutionOptions changes on a running workflow. Without it a
 * reactivation's 150k resumed calls put their workflow tasks ahead of other projects' live calls
 * in the task queue (measured: live p99 62 s behind 500 resumed calls, 11–15 s with it; P8 backlog).
 *
 * Here rather than in the workflow: the activity that met the invalid token runs outside a
 * workflow task, so the options event lands without scheduling one, and calls in flight need no
 * new workflow version. Once per call: an activity already at backlog priority belongs to a call
 * that parked before (or that a resend started as backlog). Only the call workflow's own
 * activities: a creation run by a number's client-creation shard (a local try, or an activity in
 * the creation lane) is left alone — that workflow is the shard, whose priority is every
 * creation's; the call waiting for it parks through its own activity. (A live
 * call's local completeCall never parks it: a failed local try hands over to the activity, which
 * parks here like any other — call-workflow.ts.)
 * Best effort — a failure is logged and the call parks as it would have.
 */
export async function queueParkingCallBehindLive(temporal: Client, logger: Logger): Promise<void> {
  const info = activityContext()?.info;
  const execution = info?.workflowExecution;
  if (!info || !execution || info.isLocal || info.workflowType === clientCreationShardWorkflow.name
    || (info.priority?.priorityKey ?? 0) >= BACKLOG_PRIORITY.priorityKey) return;
  const { workflowId, runId } = execution;
  try {
    await temporal.withDeadline(Date.now() + UPDATE_DEADLINE_MS, () => temporal.workflowService.updateWorkflowExecutionOptions({
      namespace: temporal.options.namespace,
      workflowExecution: { workflowId, runId },
      workflowExecutionOptions: { priority: { priorityKey: BACKLOG_PRIORITY.priorityKey } },
      updateMask: { paths: ['priority'] },
    }));
  } catch (err) {
    logger.warn({ workflowId, err: (err as Error).message }, 'parking call kept its priority: its resumed work will not queue behind live calls');
  }
}
