/**
 * Negative control for test/unit/workflow-replay.test.ts: a `callWorkflow` whose first command
 * differs from the real one (it checks the credentials where the real workflow loads the
 * project's settings). Replaying a recorded call history against it must raise a
 * DeterminismViolationError — proof that the replay test can fail at all. Bundled by the test
 * only; never registered on a worker.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { BridgeActivities } from '../../activities/activity-types';
import type { CallResult, CallWorkflowInput } from '../../schemas/workflow-io';

const local = proxyActivities<BridgeActivities>({ startToCloseTimeout: '30 seconds' });

export async function callWorkflow(input: CallWorkflowInput): Promise<CallResult> {
  // The "refactor": one activity moved ahead of another — enough to break every running call.
  await local.credentialsStatus({ projectId: input.projectId });
  await local.loadProjectSettings(input.projectId);
  return { projectId: input.projectId, callId: input.callId, phase: 'completed', outcome: 'changed', crm: {}, taskIds: {}, failures: [], eventsSeen: 0 };
}
