import type { Client } from '@temporalio/client';
import { integrationBrokenSignal, integrationReactivatedSignal, nextRoundRobinUpdate } from '../workflows/messages';
import { integrationWorkflowId, TASK_QUEUE, type IntegrationState } from '../schemas/workflow-io';

export function initialIntegrationState(projectId: string, credentialsVersion: number): IntegrationState {
  return { projectId, status: 'active', credentialsVersion, lastErrors: [], reactivations: 0, roundRobin: 0 };
}

/**
 * Signals the project's integration actor (`integration:{projectId}`), starting it first if it
 * is not running: activities report a broken token (T1), the CLI a reactivation (T2).
 */
export async function signalIntegrationBroken(
  temporal: Client, projectId: string, broken: { type: string; message: string; credentialsVersion: number },
): Promise<void> {
  await temporal.workflow.signalWithStart('integrationWorkflow', {
    ...actorStart(projectId, broken.credentialsVersion),
    signal: integrationBrokenSignal,
    signalArgs: [{ ...broken, at: new Date().toISOString() }],
  });
}

export async function signalReactivated(temporal: Client, projectId: string, reactivated: { credentialsVersion: number; resend: boolean }): Promise<void> {
  await temporal.workflow.signalWithStart('integrationWorkflow', {
    ...actorStart(projectId, reactivated.credentialsVersion),
    signal: integrationReactivatedSignal,
    signalArgs: [{ ...reactivated, at: new Date().toISOString() }],
  });
}

function actorStart(projectId: string, credentialsVersion: number) {
  return {
    workflowId: integrationWorkflowId(projectId),
    taskQueue: TASK_QUEUE,
    args: [initialIntegrationState(projectId, credentialsVersion)] as [IntegrationState],
  };
}

/** The next round-robin position, from the integration actor (update-with-start). */
export async function nextRoundRobinPosition(temporal: Client, projectId: string, size: number, version: number): Promise<number> {
  const { WithStartWorkflowOperation } = await import('@temporalio/client');
  const start = new WithStartWorkflowOperation('integrationWorkflow', { ...actorStart(projectId, version), workflowIdConflictPolicy: 'USE_EXISTING' });
  return temporal.workflow.executeUpdateWithStart(nextRoundRobinUpdate, { args: [{ size }], startWorkflowOperation: start });
}
