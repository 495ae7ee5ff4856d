import { WithStartWorkflowOperation, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { isQueryNotReady } from '../platform/temporal-errors';
import type { IntegrationState, ReactivateReply, ReactivateRequest } from '../schemas/workflow-io';
import { integrationWorkflowV2 } from '../workflows';
import type { SecretBox } from './secret-box';
import {
  integrationBrokenSignal, integrationStateQuery, integrationWorkflowId, nextRoundRobinUpdate, reactivateUpdate, resumeSignal,
  skipParkedSignal, TASK_QUEUE,
} from '../workflows/contract';

/*
 * Everything outside the workflows says to Temporal about a project's integration: its
 * workflow's handle, state, breakage, round-robin draws and reactivation, and the project's
 * parked calls (found through the visibility store, woken or closed by signal).
 */

export function blankIntegrationState(projectId: string): IntegrationState {
  return { projectId, status: 'active', credentialsVersion: 0, lastErrors: [], reactivations: 0, roundRobin: 0 };
}

export function integrationHandle(temporal: Client, projectId: string) {
  return temporal.workflow.getHandle(integrationWorkflowId(projectId));
}

/**
 * How long a read bears the server turning the query away because the workflow cannot answer
 * yet (see isQueryNotReady), asking again every NOT_READY_RETRY_MS: a retried task clears in
 * well under a second once the signals that made it fail stop arriving.
 */
const NOT_READY_PATIENCE_MS = 10_000;
const NOT_READY_RETRY_MS = 250;

/**
 * The project's integration state, or undefined when its workflow was never started. A query the
 * server turns away for a moment (isQueryNotReady) is asked again, for NOT_READY_PATIENCE_MS.
 */
export async function readIntegrationState(temporal: Client, projectId: string): Promise<IntegrationState | undefined> {
  const giveUpAt = Date.now() + NOT_READY_PATIENCE_MS;
  for (;;) {
    try {
      return await integrationHandle(temporal, projectId).query(integrationStateQuery);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return undefined;
      if (!isQueryNotReady(err) || Date.now() >= giveUpAt) throw err;
      await new Promise((resolve) => setTimeout(resolve, NOT_READY_RETRY_MS));
    }
  }
}

/** T1: an activity saw the token refused with credentials `credentialsVersion`. */
export async function reportIntegrationBroken(
  temporal: Client, projectId: string, broken: { type: string; message: string; credentialsVersion: number },
): Promise<void> {
  await integrationHandle(temporal, projectId).signal(integrationBrokenSignal, { ...broken, at: new Date().toISOString() });
}

/**
 * The reactivate update's id (T2, T6): the same change from any process gets the same id, so
 * Temporal runs it once and gives every sender its one answer (the workflow's state keeps the
 * answer across continue-as-new). "The same change" is: the project, the credentials version it
 * was made on, where it comes from, the resend choice and the webhook — the webhook only as a
 * keyed fingerprint (BRIDGE_SECRET_KEY), never the secret or a plain hash of it, since ids show
 * in the history and the UI. Different changes get different ids, and the workflow lets one win.
 */
export function reactivationUpdateId(
  secrets: Pick<SecretBox, 'fingerprint'>, projectId: string,
  change: { basedOn: number; source: ReactivateRequest['source']; resend: boolean; webhookUrl: string },
): string {
  return `reactivate:${projectId}:on-v${change.basedOn}:${change.source}:${change.resend ? 'resend' : 'no-resend'}:${secrets.fingerprint(change.webhookUrl)}`;
}

/** T2/T6: hands a sealed webhook to the integration workflow, which checks it and answers. */
export async function requestReactivation(temporal: Client, projectId: string, request: ReactivateRequest, updateId?: string): Promise<ReactivateReply> {
  return integrationHandle(temporal, projectId).executeUpdate(reactivateUpdate, { args: [request], ...(updateId ? { updateId } : {}) });
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

export function parkedCallsQuery(projectId: string): string {
  return `ProjectId='${projectId.replace(/'/g, '')}' AND CallPhase='parked' AND ExecutionStatus='Running'`;
}

/** Signals in flight at once while releasing: a few round trips' worth, never one at a time in sequence (150k calls in minutes). */
export const RELEASE_CONCURRENCY = 64;

/**
 * Wakes (resend) or closes as skipped (no resend, T4) every parked call of the project, as the
 * visibility store lists them page by page, with RELEASE_CONCURRENCY signals in flight. Nothing
 * is held per call beyond those in flight. A call that closed meanwhile is not an error.
 */
export async function releaseParkedCalls(
  temporal: Client, projectId: string, action: { resume: { credentialsVersion: number } } | { skip: { reason: string } },
  onEach?: () => void,
): Promise<{ released: number; gone: number }> {
  const counts = { released: 0, gone: 0 };
  const release = async (workflowId: string) => {
    const handle = temporal.workflow.getHandle(workflowId);
    try {
      if ('resume' in action) await handle.signal(resumeSignal, action.resume);
      else await handle.signal(skipParkedSignal, action.skip);
      counts.released += 1;
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
      counts.gone += 1;
    }
    onEach?.();
  };
  // The first failure ends the release once what is in flight has settled (the activity retries it; a second resume is harmless).
  let failure: { err: unknown } | undefined;
  const inFlight = new Set<Promise<void>>();
  for await (const execution of temporal.workflow.list({ query: parkedCallsQuery(projectId), pageSize: 1000 })) {
    if (failure) break;
    const signalled: Promise<void> = release(execution.workflowId)
      .catch((err: unknown) => { failure ??= { err }; })
      .finally(() => inFlight.delete(signalled));
    inFlight.add(signalled);
    if (inFlight.size >= RELEASE_CONCURRENCY) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  if (failure) throw failure.err;
  return counts;
}
