/**
 * Negative control for test/unit/workflow-replay.test.ts: call workflows (version 1 and 2) whose
 * first command differs from the real one (they check the credentials where the real workflows
 * load the project's settings). Replaying a recorded call history against it must raise a
 * DeterminismViolationError — proof that the replay test can fail at all. Bundled by the test
 * only; never registered on a worker.
 */
import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { CallActivities, LegacyCallActivities } from '../../workflows/contract';
import type { CallResult, CallWorkflowInput } from '../../schemas/workflow-io';

const local = proxyActivities<LegacyCallActivities>({ startToCloseTimeout: '30 seconds' });
const localV2 = proxyLocalActivities<CallActivities>({ startToCloseTimeout: '30 seconds' });

export async function callWorkflow(input: CallWorkflowInput): Promise<CallResult> {
  // The "refactor": one activity moved ahead of another — enough to break every running call.
  await local.credentialsStatus({ projectId: input.projectId });
  await local.loadProjectSettings(input.projectId);
  return { projectId: input.projectId, callId: input.callId, phase: 'completed', outcome: 'changed', crm: {}, taskIds: {}, failures: [], eventsSeen: 0 };
}

export async function callWorkflowV2(input: CallWorkflowInput): Promise<CallResult> {
  await localV2.credentialsStatus({ projectId: input.projectId });
  await localV2.loadProjectSettings(input.projectId);
  return { projectId: input.projectId, callId: input.callId, phase: 'completed', outcome: 'changed', crm: {}, taskIds: {}, failures: [], eventsSeen: 0 };
}
