/**
 * Signals, queries and updates of the bridge's workflows (docs/contracts.md §3): the workflows set
 * their handlers with these definitions, and callers (dispatcher, CLI, activities) send with them.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ResolveClientInput, ResolvedClient } from '../../schemas/activity-io';
import type {
  CallEventEnvelope, CallPhase, CallResult, IntegrationState, ReactivateRequest, ReactivateReply, ResendCounts, ResendRun,
} from '../../schemas/workflow-io';

// Call actor
export const callEventSignal = defineSignal<[CallEventEnvelope]>('callEvent');
/** Integration reactivated: a parked call retries its Bitrix24 work. */
export const resumeSignal = defineSignal<[{ credentialsVersion: number }]>('resume');
/** Reactivated without resend (T4): a parked call closes as skipped. */
export const skipParkedSignal = defineSignal<[{ reason: string }]>('skipParked');
export const callStateQuery = defineQuery<{ phase: CallPhase; result: CallResult }>('callState');

// Version 1's per-client lock (B2): one CRM resolution per (project, number) at a time.
export const acquireClientLockSignal = defineSignal<[{ holder: string }]>('acquireClientLock');
export const releaseClientLockSignal = defineSignal<[{ holder: string }]>('releaseClientLock');
export const clientLockGrantedSignal = defineSignal<[{ lockId: string }]>('clientLockGranted');

// Per-number client creation (B2): one call's creation, run after those sent before it.
export const createClientUpdate = defineUpdate<ResolvedClient, [ResolveClientInput]>('createClient');

// Integration actor (T1–T5)
export const integrationBrokenSignal = defineSignal<[{ at: string; type: string; message: string; credentialsVersion: number }]>('integrationBroken');
export const integrationReactivatedSignal = defineSignal<[{ at: string; credentialsVersion: number; resend: boolean }]>('integrationReactivated');
export const integrationStateQuery = defineQuery<IntegrationState>('integrationState');
/** Round-robin position for missed calls from new clients (S4.2), shared by all calls of a project. */
export const nextRoundRobinUpdate = defineUpdate<number, [{ size: number }]>('nextRoundRobin');

/**
 * T2, T6: a new webhook (sealed) for the project. The integration workflow checks it against the
 * portal on a worker before it changes anything; a refusal fails the update with the portal's reason.
 */
export const reactivateUpdate = defineUpdate<ReactivateReply, [ReactivateRequest]>('reactivate');
/**
 * The resend activity's progress, pushed by bridges before reactivation work had its own workflow;
 * kept so that such a resend still in flight during an upgrade lands. New bridges send none: the
 * progress is read from the reactivation workflow's heartbeat.
 */
export const resendProgressSignal = defineSignal<[{ credentialsVersion: number; since: string; counts: ResendCounts }]>('resendProgress');
/** The reactivation workflow's work is done (T3–T5): the integration records it as the last resend. */
export const reactivationFinishedSignal = defineSignal<[ResendRun]>('reactivationFinished');
