import type { Client } from '@temporalio/client';
import { decodeFromPayloadsAtIndex } from '@temporalio/common/lib/internal-non-workflow';
import type { ResendHeartbeat } from '../schemas/resend';
import type { IntegrationState } from '../schemas/workflow-io';
import { readIntegrationState } from './integration-client';

/**
 * The project's integration state as operators see it (`status`, the watching CLI): the
 * workflow's own state, with a running resend's counts read from its activity's last heartbeat —
 * the resend pushes nothing to the integration workflow while it runs (T5). One query and, while a
 * resend runs, one describe: read on demand, never per call or per second by the bridge itself.
 */
export async function readIntegrationStatus(temporal: Client, projectId: string): Promise<IntegrationState | undefined> {
  const state = await readIntegrationState(temporal, projectId);
  const running = state?.resend;
  if (!state || !running?.workflowId) return state;
  const beat = await lastResendBeat(temporal, running.workflowId).catch(() => undefined);
  const c = beat?.checkpoint;
  if (!c) return state;
  return {
    ...state,
    resend: {
      ...running, since: beat.since ?? running.since, read: c.read, total: c.total, calls: c.calls, resent: c.resent,
      alreadyDone: c.alreadyDone, inProgress: c.inProgress, skipped: c.skipped, failed: c.failed, failures: c.failures,
    },
  };
}

async function lastResendBeat(temporal: Client, workflowId: string): Promise<Partial<ResendHeartbeat> | undefined> {
  const { raw } = await temporal.workflow.getHandle(workflowId).describe();
  const pending = raw.pendingActivities?.find((a) => a.activityType?.name === 'resendEvents');
  if (!pending?.heartbeatDetails?.payloads?.length) return undefined;
  return decodeFromPayloadsAtIndex<Partial<ResendHeartbeat>>(temporal.options.loadedDataConverter, 0, pending.heartbeatDetails.payloads);
}
