import type { Client } from '@temporalio/client';
import { lookupByPhone } from '../bitrix/crm';
import { nextRoundRobinPosition } from '../integration/integration-client';
import { clientLockWorkflow } from '../workflows';
import {
  acquireClientLockSignal, clientLockWorkflowId, releaseClientLockSignal, TASK_QUEUE, type CallActivities, type LegacyCallActivities,
} from '../workflows/contract';
import type { WithBitrix } from './bitrix-access';
import { createPlanned, fillAll, writeTasks } from './crm-writes';

/**
 * The version-1 call workflow's activities (workflows/legacy/), on top of the new credentials:
 * calls parked before an upgrade resume and finish on the new worker (minVersion 0: they learn
 * of a reactivation from the resume signal's retry, as they always did).
 */
export function createLegacyCallActivities(deps: { temporal: Client; withBitrix: WithBitrix; current: CallActivities }): LegacyCallActivities {
  const { withBitrix } = deps;
  const lockHandle = (projectId: string, e164: string) => deps.temporal.workflow.getHandle(clientLockWorkflowId(projectId, e164));
  return {
    loadProjectSettings: deps.current.loadProjectSettings,
    credentialsStatus: deps.current.credentialsStatus,

    async requestClientLock({ projectId, e164, holder }) {
      await deps.temporal.workflow.signalWithStart(clientLockWorkflow, {
        workflowId: clientLockWorkflowId(projectId, e164), taskQueue: TASK_QUEUE, args: [[]],
        signal: acquireClientLockSignal, signalArgs: [{ holder }],
      });
    },

    async releaseClientLock({ projectId, e164, holder }) {
      try {
        await lockHandle(projectId, e164).signal(releaseClientLockSignal, { holder });
      } catch (err) {
        if ((err as Error).name !== 'WorkflowNotFoundError') throw err;
      }
    },

    lookupClient: ({ projectId, e164 }) => withBitrix(projectId, 0, ({ client }, p) => lookupByPhone(client, e164, p.defaultCountry)),

    createEntities: ({ projectId, callId, plan }) => withBitrix(projectId, 0, ({ client }) => createPlanned(client, projectId, callId, plan)),
    fillEmptyFields: ({ projectId, fills }) => withBitrix(projectId, 0, ({ client }) => fillAll(client, fills)),
    createTasks: ({ projectId, callId, tasks }) => withBitrix(projectId, 0, ({ client }) => writeTasks(client, projectId, callId, tasks)),

    nextRoundRobin: ({ projectId, size }) => nextRoundRobinPosition(deps.temporal, projectId, size),
  };
}
