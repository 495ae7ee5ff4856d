import { proxyActivities } from '@temporalio/workflow';
import type { ReconcileResult, ReconcileWorkflowInput } from '../schemas/reconcile';
import { RINGOSTAT_NON_RETRYABLE, type RingostatActivities } from './contract';

/** A refused Auth-key or request fails the run at once; an outage is retried within the run. */
const ringostat = proxyActivities<RingostatActivities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '2 minutes',
  retry: {
    initialInterval: '10 seconds', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 5,
    nonRetryableErrorTypes: RINGOSTAT_NON_RETRYABLE,
  },
});

/**
 * B7, started by the project's schedule `reconcile:{projectId}`: reads the recent window of
 * Ringostat's call log (overlapping the previous run's) and publishes every call the bridge
 * never saw or never finished. Its result is what `status` shows as the last run.
 */
export async function reconcileWorkflow(input: ReconcileWorkflowInput): Promise<ReconcileResult> {
  const startedAt = new Date();
  const to = new Date(startedAt.getTime() - input.settleMs);
  const from = new Date(to.getTime() - input.lookbackMs);
  const summary = await ringostat.reconcileCallLog({ projectId: input.projectId, from: from.toISOString(), to: to.toISOString() });
  return { ...summary, startedAt: startedAt.toISOString(), finishedAt: new Date().toISOString() };
}
