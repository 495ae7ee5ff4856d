import { ScheduleAlreadyRunning, ScheduleNotFoundError, type Client, type ScheduleOptionsAction } from '@temporalio/client';
import { periodMs, type BridgeConfig, type ProjectConfig } from '../schemas/project-config';
import type { ReconcileWorkflowInput } from '../schemas/reconcile';
import { reconcileWorkflow } from '../workflows';
import { ProjectIdKey, reconcileScheduleId, TASK_QUEUE } from '../workflows/contract';

/**
 * B7's schedules: one Temporal Schedule per project with `ringostat.reconcileEvery`, durable and
 * visible in the UI (Schedules → `reconcile:{projectId}`). Called at every worker start: it
 * creates missing schedules, brings existing ones in line with the config, and deletes those of
 * configured projects that turned reconciliation off and **(issue 16)** those of projects no
 * longer in the config. Safe to run from several hosts at once.
 */

/** A webhook still in flight is given this long before its call counts as lost. */
export const RECONCILE_SETTLE_MS = 60_000;
/** Each run looks back at least this far, so a few failed runs or a short outage lose nothing. */
const MIN_LOOKBACK_MS = 60 * 60 * 1000;

export function reconcileInput(project: ProjectConfig): ReconcileWorkflowInput | undefined {
  const every = project.ringostat?.reconcileEvery;
  if (!every) return undefined;
  return { projectId: project.id, lookbackMs: Math.max(3 * periodMs(every), MIN_LOOKBACK_MS), settleMs: RECONCILE_SETTLE_MS };
}

function scheduleOf(project: ProjectConfig, input: ReconcileWorkflowInput, taskQueue: string) {
  const action: ScheduleOptionsAction = {
    type: 'startWorkflow',
    workflowType: reconcileWorkflow,
    // Temporal appends the scheduled time: each run is its own workflow with its own result.
    workflowId: reconcileScheduleId(project.id),
    taskQueue,
    args: [input],
    typedSearchAttributes: [{ key: ProjectIdKey, value: project.id }],
  };
  return {
    spec: { intervals: [{ every: periodMs(project.ringostat?.reconcileEvery ?? '5m') }] },
    action,
    // One run at a time; after downtime one catch-up run covers the gap (its window overlaps).
    policies: { overlap: 'SKIP' as const, catchupWindow: '1 hour' },
  };
}

export async function ensureReconcileSchedules(
  client: Client, config: BridgeConfig, options: { taskQueue?: string } = {},
): Promise<{ ensured: string[]; deleted: string[] }> {
  const ensured: string[] = [];
  for (const project of config.projects) {
    const scheduleId = reconcileScheduleId(project.id);
    const input = reconcileInput(project);
    if (!input) {
      await client.schedule.getHandle(scheduleId).delete().catch((err: unknown) => {
        if (!(err instanceof ScheduleNotFoundError)) throw err;
      });
      continue;
    }
    const wanted = scheduleOf(project, input, options.taskQueue ?? TASK_QUEUE);
    try {
      await client.schedule.create({ scheduleId, ...wanted });
    } catch (err) {
      if (!(err instanceof ScheduleAlreadyRunning)) throw err;
      await client.schedule.getHandle(scheduleId).update((previous) => ({ ...previous, ...wanted }));
    }
    ensured.push(scheduleId);
  }
  const deleted = await deleteSchedulesOfRemovedProjects(client, config, options.taskQueue ?? TASK_QUEUE);
  return { ensured, deleted };
}

/**
 * A project removed from the config leaves no schedule behind: its runs would fail every few
 * minutes (ProjectUnknown) forever. A schedule is this deployment's when it starts its runs on
 * this deployment's task queue — another deployment sharing the namespace keeps its own. Listing
 * schedules lags a little (visibility): one created a moment ago by another host may be seen at
 * the next start instead; one already deleted by another host is no error.
 */
export async function deleteSchedulesOfRemovedProjects(client: Client, config: BridgeConfig, taskQueue: string): Promise<string[]> {
  const configured = new Set(config.projects.map((project) => reconcileScheduleId(project.id)));
  const prefix = reconcileScheduleId('');
  const deleted: string[] = [];
  for await (const summary of client.schedule.list()) {
    if (!summary.scheduleId.startsWith(prefix) || configured.has(summary.scheduleId)) continue;
    const handle = client.schedule.getHandle(summary.scheduleId);
    try {
      const { action } = await handle.describe();
      if (action.type !== 'startWorkflow' || action.taskQueue !== taskQueue) continue;
      await handle.delete();
      deleted.push(summary.scheduleId);
    } catch (err) {
      if (!(err instanceof ScheduleNotFoundError)) throw err;
    }
  }
  return deleted;
}
