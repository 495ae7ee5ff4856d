import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ApplicationFailure, WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { parseWebhookUrl } from '../bitrix/webhook-url';
import type { Logger } from '../platform/logger';
import type { ProjectConfig } from '../schemas/project-config';
import type { IntegrationState } from '../schemas/workflow-io';
import { integrationWorkflow, integrationWorkflowV2 } from '../workflows';
import { FailureType, integrationStateQuery, integrationWorkflowId, TASK_QUEUE } from '../workflows/contract';
import { blankIntegrationState, integrationHandle, reactivationUpdateId, requestReactivation } from './integration-client';
import type { SecretBox } from './secret-box';

export interface EnsureOptions {
  temporal: Client;
  secrets: SecretBox;
  logger: Logger;
  /** Version 1's credentials folder: imported once when a project's integration is first set up here, then ignored. */
  legacyCredentialsDir?: string;
}

export type EnsureOutcome = 'started' | 'migrated' | 'unchanged' | 'config-webhook-accepted' | 'config-webhook-refused' | 'already-applied' | 'superseded';

/**
 * Run by every worker at start, for every project of the config (idempotent, safe from many
 * hosts at once): the integration workflow runs, on version 2, and knows the config file's
 * webhook. A webhook in the file that differs from the one last seen there is checked against
 * the portal and, accepted, taken as a reactivation (T6); refused, the project stays as it was
 * and an error line names the project and the portal's reason.
 */
export async function ensureIntegration(project: ProjectConfig, options: EnsureOptions): Promise<EnsureOutcome> {
  const log = options.logger.child({ projectId: project.id });
  const handle = integrationHandle(options.temporal, project.id);
  const running = await handle.describe().then((d) => (d.status.name === 'RUNNING' ? d : undefined), (err) => {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  });

  if (!running) {
    await start(project, options, await initialState(project, options, blankIntegrationState(project.id)), 'USE_EXISTING');
    return 'started';
  }
  // Version 1's runs are moved to version 2, their state carried over.
  if (running.type === integrationWorkflow.name) {
    const legacy = await handle.query(integrationStateQuery);
    await start(project, options, await initialState(project, options, legacy), 'TERMINATE_EXISTING');
    log.info({ credentialsVersion: legacy.credentialsVersion }, 'integration workflow moved to version 2 (its state carried over)');
    return 'migrated';
  }

  const state = await handle.query(integrationStateQuery);
  const configUrl = project.bitrix24.webhookUrl;
  if (state.configWebhook && options.secrets.canOpen(state.configWebhook) && options.secrets.open(state.configWebhook) === configUrl) return 'unchanged';
  // Every process starting with this config at once sends the same update id: Temporal applies it once.
  const basedOn = state.credentialsVersion;
  const updateId = reactivationUpdateId(options.secrets, project.id, { basedOn, source: 'config', resend: project.resendOnReactivation, webhookUrl: configUrl });
  try {
    const reply = await requestReactivation(options.temporal, project.id, {
      webhook: options.secrets.seal(configUrl), resend: project.resendOnReactivation, source: 'config',
      replacesConfigWebhook: state.configWebhook?.data, basedOn,
    }, updateId);
    if (reply.outcome === 'accepted') {
      log.info({ credentialsVersion: reply.credentialsVersion, resend: project.resendOnReactivation }, 'new webhook in the config file accepted by the portal: taken as a reactivation (T6)');
      return 'config-webhook-accepted';
    }
    log.info({ credentialsVersion: reply.credentialsVersion }, 'the config file\'s webhook change was applied by another process');
    return 'already-applied';
  } catch (err) {
    if (!(err instanceof WorkflowUpdateFailedError)) throw err;
    if (err.cause instanceof ApplicationFailure && err.cause.type === FailureType.ReactivationSuperseded) {
      log.warn({ reason: err.cause.message }, `project ${project.id}: another reactivation was applied while the config file's webhook was checked; the config's webhook is checked again at the next start`);
      return 'superseded';
    }
    log.error({ reason: err.cause?.message ?? err.message }, `project ${project.id}: the new webhook in the config file was refused; the integration stays as it was`);
    return 'config-webhook-refused';
  }
}

async function start(project: ProjectConfig, options: EnsureOptions, state: IntegrationState, policy: 'USE_EXISTING' | 'TERMINATE_EXISTING'): Promise<void> {
  await options.temporal.workflow.start(integrationWorkflowV2, {
    workflowId: integrationWorkflowId(project.id), taskQueue: TASK_QUEUE, args: [state], workflowIdConflictPolicy: policy,
    staticSummary: `integration of project ${project.id}`,
  });
}

/** Version 2's first state: the config's webhook sealed — or, once, the webhook of version 1's credentials file. */
async function initialState(project: ProjectConfig, options: EnsureOptions, from: IntegrationState): Promise<IntegrationState> {
  const configUrl = project.bitrix24.webhookUrl;
  const legacy = await readLegacyCredentials(project.id, options);
  const webhookUrl = legacy?.webhookUrl ?? configUrl;
  const state: IntegrationState = {
    ...from,
    credentialsVersion: Math.max(from.credentialsVersion, legacy?.version ?? 0, 1),
    webhook: options.secrets.seal(webhookUrl),
    portal: parseWebhookUrl(webhookUrl).portal,
    configWebhook: options.secrets.seal(configUrl),
  };
  if (legacy?.status === 'broken' && state.status !== 'broken') {
    Object.assign(state, { status: 'broken', brokenSince: legacy.brokenAt, brokenReason: legacy.brokenReason ?? 'invalid token' });
  }
  return state;
}

interface LegacyCredentials {
  version: number;
  webhookUrl?: string;
  status: 'active' | 'broken';
  brokenAt?: string;
  brokenReason?: string;
}

async function readLegacyCredentials(projectId: string, options: EnsureOptions): Promise<LegacyCredentials | undefined> {
  if (!options.legacyCredentialsDir) return undefined;
  const file = join(options.legacyCredentialsDir, `${projectId}.json`);
  try {
    const stored = JSON.parse(await readFile(file, 'utf8')) as LegacyCredentials;
    options.logger.info({ projectId, file }, 'imported the credentials file of version 1 into the integration workflow; the file is no longer read');
    return stored;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    options.logger.warn({ projectId, file, err: (err as Error).message }, 'version 1 credentials file unreadable: not imported');
    return undefined;
  }
}
