import type { Client } from '@temporalio/client';
import { integrationBrokenSignal, nextRoundRobinUpdate } from '../workflows/messages';
import { integrationWorkflowId, TASK_QUEUE, type IntegrationState } from '../schemas/workflow-io';

export function initialIntegrationState(projectId: string, credentialsVersion: number): IntegrationState {
  return { projectId, status: 'active', credentialsVersion, lastErrors: [], reactivations: 0, roundRobin: 0 };
}

/** Tells the project's integration actor it is broken, starting the actor if it is not running. */
export async function signalIntegrationBroken(
  temporal: Client, projectId: string, broken: { type: string; message: string; credentialsVersion: number },
): Promise<void> {
  await temporal.workflow.signalWithStart('integrationWorkflow', {
    workflowId: integrationWorkflowId(projectId),
    taskQueue: TASK_QUEUE,
    args: [initialIntegrationState(projectId, broken.credentialsVersion)],
    signal: integrationBrokenSignal,
    signalArgs: [{ ...broken, at: new Date().toISOString() }],
  });
}

/** The next round-robin position, from the integration actor (update-with-start). */
export async function nextRoundRobinPosition(temporal: Client, projectId: string, size: number, version: number): Promise<number> {
  const { WithStartWorkflowOperation } = await import('@temporalio/client');
  const start = new WithStartWorkflowOperation('integrationWorkflow', {
    workflowId: integrationWorkflowId(projectId),
    taskQueue: TASK_QUEUE,
    args: [initialIntegrationState(projectId, version)],
    workflowIdConflictPolicy: 'USE_EXISTING',
  });
  return temporal.workflow.executeUpdateWithStart(nextRoundRobinUpdate, { args: [{ size }], startWorkflowOperation: start });
}
