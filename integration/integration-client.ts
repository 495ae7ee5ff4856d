import { WithStartWorkflowOperation, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { IntegrationState, ReactivateReply, ReactivateRequest } from '../schemas/workflow-io';
import { integrationWorkflowV2 } from '../workflows';
import {
  integrationBrokenSignal, integrationStateQuery, integrationWorkflowId, nextRoundRobinUpdate, reactivateUpdate, TASK_QUEUE,
} from '../workflows/contract';

export function blankIntegrationState(projectId: string): IntegrationState {
  return { projectId, status: 'active', credentialsVersion: 0, lastErrors: [], reactivations: 0, roundRobin: 0 };
}

export function integrationHandle(temporal: Client, projectId: string) {
  return temporal.workflow.getHandle(integrationWorkflowId(projectId));
}

/** The project's integration state, or undefined when its workflow was never started. */
export async function readIntegrationState(temporal: Client, projectId: string): Promise<IntegrationState | undefined> {
  try {
    return await integrationHandle(temporal, projectId).query(integrationStateQuery);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}

/** T1: an activity saw the token refused with credentials `credentialsVersion`. */
export async function reportIntegrationBroken(
  temporal: Client, projectId: string, broken: { type: string; message: string; credentialsVersion: number },
): Promise<void> {
  await integrationHandle(temporal, projectId).signal(integrationBrokenSignal, { ...broken, at: new Date().toISOString() });
}

/** T2/T6: hands a sealed webhook to the integration workflow, which checks it and answers. */
export async function requestReactivation(temporal: Client, projectId: string, request: ReactivateRequest): Promise<ReactivateReply> {
  return integrationHandle(temporal, projectId).executeUpdate(reactivateUpdate, { args: [request] });
}

/**
 * The next round-robin position (S4.2). The update id is the call's, so a retried draw gets the
 * same answer instead of moving the rotation twice.
 */
export async function nextRoundRobinPosition(temporal: Client, projectId: string, size: number, drawId?: string): Promise<number> {
  const start = new WithStartWorkflowOperation(integrationWorkflowV2, {
    workflowId: integrationWorkflowId(projectId), taskQueue: TASK_QUEUE,
    args: [blankIntegrationState(projectId)], workflowIdConflictPolicy: 'USE_EXISTING',
  });
  return temporal.workflow.executeUpdateWithStart(nextRoundRobinUpdate, {
    args: [{ size }], startWorkflowOperation: start, ...(drawId ? { updateId: drawId } : {}),
  });
}
