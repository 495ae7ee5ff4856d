import type { Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/activity';
import { BitrixBadRequestError, BitrixTokenInvalidError } from '../bitrix/errors';
import { createEntity, createTask, fillEmptyFields, lookupByPhone } from '../bitrix/crm';
import type { CredentialStore } from '../lib/credential-store';
import type { Logger } from '../lib/logger';
import type { BridgeConfig, ProjectConfig } from '../schemas/project-config';
import type { CrmBindings } from '../schemas/crm-plan';
import { clientLockWorkflowId, TASK_QUEUE, type StepFailure } from '../schemas/workflow-io';
import { acquireClientLockSignal, releaseClientLockSignal } from '../workflows/messages';
import type { BridgeActivities } from './activity-types';
import { createBitrixSessions, type BitrixSession } from './bitrix-session';
import { stepFailure, toActivityFailure } from './failures';
import { nextRoundRobinPosition, signalIntegrationBroken } from '../lib/integration-actor';

export interface ActivityDeps {
  config: BridgeConfig;
  credentials: CredentialStore;
  temporal: Client;
  logger: Logger;
}

/** Marks the CRM entities this bridge creates, so a retried create finds the first one (R1, M6). */
export function entityMarker(projectId: string, callId: string, kind: string) {
  return { originatorId: `ringostat-bridge:${projectId}`, originId: `${callId}:${kind}` };
}
export function taskXmlId(projectId: string, callId: string, key: string): string {
  return `ringostat-bridge:${projectId}:${callId}:${key}`;
}

export function createActivities(deps: ActivityDeps): BridgeActivities {
  const sessionFor = createBitrixSessions(deps);

  function project(projectId: string): ProjectConfig {
    const found = deps.config.projects.find((p) => p.id === projectId);
    if (!found) throw ApplicationFailure.nonRetryable(`project "${projectId}" is not in the config`, 'ProjectUnknown');
    return found;
  }

  /** Runs Bitrix24 work; the first invalid-token answer marks the integration broken (T1). */
  async function withBitrix<T>(projectId: string, work: (session: BitrixSession, p: ProjectConfig) => Promise<T>): Promise<T> {
    const p = project(projectId);
    let version = -1;
    try {
      const session = await sessionFor(p);
      version = session.version;
      return await work(session, p);
    } catch (err) {
      if (err instanceof BitrixTokenInvalidError && version >= 0 && (await deps.credentials.markBroken(p.id, version, err.message))) {
        deps.logger.warn({ projectId, code: err.code }, 'Bitrix24 token invalid: integration marked broken, calls park');
        await signalIntegrationBroken(deps.temporal, p.id, { type: err.name, message: err.message, credentialsVersion: version });
      }
      throw toActivityFailure(err);
    }
  }

  const lockHandle = (projectId: string, e164: string) => deps.temporal.workflow.getHandle(clientLockWorkflowId(projectId, e164));

  return {
    async loadProjectSettings(projectId) {
      const { bitrix24: _secret, ingestToken: _token, ...settings } = project(projectId);
      return settings;
    },

    async requestClientLock({ projectId, e164, holder }) {
      await deps.temporal.workflow.signalWithStart('clientLockWorkflow', {
        workflowId: clientLockWorkflowId(projectId, e164),
        taskQueue: TASK_QUEUE,
        args: [[]],
        signal: acquireClientLockSignal,
        signalArgs: [{ holder }],
      });
    },

    async releaseClientLock({ projectId, e164, holder }) {
      try {
        await lockHandle(projectId, e164).signal(releaseClientLockSignal, { holder });
      } catch (err) {
        // A lock that already closed has nothing to release.
        if ((err as Error).name !== 'WorkflowNotFoundError') throw err;
      }
    },

    lookupClient: ({ projectId, e164 }) =>
      withBitrix(projectId, ({ client }, p) => lookupByPhone(client, e164, p.defaultCountry)),

    createEntities: ({ projectId, callId, plan }) =>
      withBitrix(projectId, async ({ client }) => {
        const made: CrmBindings = {};
        const owner = { ASSIGNED_BY_ID: plan.ownerId };
        if (plan.contact) {
          made.contactId = await createEntity(client, 'contact', { ...plan.contact.fields, ...owner }, entityMarker(projectId, callId, 'contact'));
        }
        const contactId = made.contactId ?? plan.bindToContactId;
        const contactLink = contactId ? { CONTACT_ID: contactId } : {};
        if (plan.lead) {
          made.leadId = await createEntity(client, 'lead', { ...plan.lead.fields, ...owner, ...contactLink }, entityMarker(projectId, callId, 'lead'));
        }
        if (plan.deal) {
          const deal = { ...plan.deal.fields, ...owner, ...contactLink, CATEGORY_ID: plan.deal.categoryId };
          made.dealId = await createEntity(client, 'deal', deal, entityMarker(projectId, callId, 'deal'));
        }
        return made;
      }),

    fillEmptyFields: ({ projectId, fills }) =>
      withBitrix(projectId, async ({ client }) => {
        const failures: StepFailure[] = [];
        for (const fill of fills) {
          try {
            await fillEmptyFields(client, fill.entity.type, fill.entity.id, fill.fields);
          } catch (err) {
            if (!(err instanceof BitrixBadRequestError)) throw err;
            failures.push(stepFailure(`fill-${fill.entity.type}-${fill.entity.id}`, err));
          }
        }
        return failures;
      }),

    createTasks: ({ projectId, callId, tasks }) =>
      withBitrix(projectId, async ({ client }) => {
        const taskIds: Record<string, number> = {};
        const failures: StepFailure[] = [];
        // Concurrently, so an auto-batching client sends them in one request.
        await Promise.all(tasks.map(async (task) => {
          try {
            taskIds[task.key] = await createTask(client, { ...task, xmlId: taskXmlId(projectId, callId, task.key) });
          } catch (err) {
            if (!(err instanceof BitrixBadRequestError)) throw err;
            failures.push(stepFailure(`task-${task.key}`, err));
          }
        }));
        return { taskIds, failures };
      }),

    async nextRoundRobin({ projectId, size }) {
      const stored = await deps.credentials.read(projectId);
      return nextRoundRobinPosition(deps.temporal, projectId, size, stored.version);
    },

    async credentialsStatus({ projectId }) {
      const stored = await deps.credentials.read(projectId);
      return { version: stored.version, status: stored.status };
    },
  };
}
