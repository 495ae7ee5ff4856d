import type { ReleaseParkedInput } from '../schemas/activity-io';
import type { IntegrationState, ReactivateRequest, ResendRun } from '../schemas/workflow-io';

/**
 * The rules of a reactivation (T2–T6) that the integration and reactivation workflows follow:
 * whether a config change is already in, what a loser is told, what becomes of the parked calls,
 * and what the reactivation's work shows operators.
 */

/**
 * T6 from several processes starting at once: a change from the config is already applied when
 * the config webhook it meant to replace is no longer the one in the state (another process applied it).
 */
export function configWebhookApplied(state: Pick<IntegrationState, 'configWebhook'>, request: Pick<ReactivateRequest, 'source' | 'replacesConfigWebhook'>): boolean {
  return request.source === 'config' && request.replacesConfigWebhook !== state.configWebhook?.data;
}

/** Why a reactivation lost (T2): the version that won, and that this one changed nothing. */
export function supersededMessage(state: Pick<IntegrationState, 'projectId' | 'credentialsVersion' | 'portal'>, basedOn: number): string {
  return `project ${state.projectId} was reactivated to credentials version ${state.credentialsVersion}${state.portal ? ` on ${state.portal}` : ''} by another request ` +
    `(this one was made on version ${basedOn}): this request changed nothing; see status, and reactivate again if its webhook should replace that one`;
}

/** T3 wakes the parked calls on the new credentials; T4 (no resend) closes them as skipped. */
export function parkedCallsAction(run: { credentialsVersion: number; resend: boolean }): ReleaseParkedInput['action'] {
  return run.resend
    ? { resume: { credentialsVersion: run.credentialsVersion } }
    : { skip: { reason: `reactivated without resend (credentials version ${run.credentialsVersion})` } };
}

/** The reactivation workflow's summary in the Temporal UI: what it will do, for which version. */
export function reactivationWorkSummary(projectId: string, run: { credentialsVersion: number; resend: boolean }): string {
  return `${projectId}: ${run.resend ? 'wake parked calls and resend the last 3 days' : 'close parked calls as skipped'} (credentials version ${run.credentialsVersion})`;
}

/** The reactivation workflow's details while it wakes or closes the parked calls (T3, T4). */
export function releasingDetails(projectId: string, resend: boolean): string {
  return `${projectId}: ${resend ? 'waking parked calls' : 'closing parked calls as skipped'}`;
}

/** Its details while it resends (T3): how many parked calls it woke first. */
export function resendingDetails(projectId: string, released: number): string {
  return `${projectId}: ${released} parked calls woken; resending events since the window start`;
}

/** Its details once done (T3–T5): what became of the parked calls and of the resend. */
export function reactivationDoneDetails(projectId: string, run: ResendRun): string {
  return `${projectId}: done — resumed ${run.parkedResumed}, skipped ${run.parkedSkipped}; resent ${run.resent}, already done ${run.alreadyDone}, in progress ${run.inProgress ?? 0}, failed ${run.failed}`;
}
