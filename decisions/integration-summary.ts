import type { IntegrationState } from '../schemas/workflow-io';

/** The integration workflow's current details in the Temporal UI (T6): its status, and its resend running or last finished. */
export function integrationSummary(state: IntegrationState): string {
  const head = state.status === 'active'
    ? `active, credentials version ${state.credentialsVersion}${state.portal ? ` on ${state.portal}` : ''}`
    : `BROKEN since ${state.brokenSince ?? '?'}: ${state.brokenReason ?? 'invalid token'} — reactivate from the CLI`;
  const resend = state.resend ? `; resend in progress: ${state.resend.read}/${state.resend.total} events, ${state.resend.resent} calls resent` : '';
  const last = !state.resend && state.lastResend
    ? `; last resend ${state.lastResend.finishedAt ?? ''}: resent ${state.lastResend.resent}, already done ${state.lastResend.alreadyDone}, skipped ${state.lastResend.skipped}, failed ${state.lastResend.failed}`
    : '';
  return `${state.projectId}: ${head}${resend}${last}`;
}
