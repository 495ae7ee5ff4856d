import type { Client } from '@temporalio/client';
import { initialIntegrationState } from '../activities/integration-signals';
import { integrationWorkflowId, TASK_QUEUE } from '../schemas/workflow-io';
import { integrationReactivatedSignal } from '../workflows/messages';

/** Tells the project's integration actor about a reactivation (T2), starting it if needed. */
export async function signalReactivated(temporal: Client, projectId: string, reactivated: { credentialsVersion: number; resend: boolean }): Promise<void> {
  await temporal.workflow.signalWithStart('integrationWorkflow', {
    workflowId: integrationWorkflowId(projectId),
    taskQueue: TASK_QUEUE,
    args: [initialIntegrationState(projectId, reactivated.credentialsVersion)],
    signal: integrationReactivatedSignal,
    signalArgs: [{ ...reactivated, at: new Date().toISOString() }],
  });
}
