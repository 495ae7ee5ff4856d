import type { IntegrationState, ResendRun } from '../schemas/workflow-io';

/**
 * What the integration workflows of version 2 (integration-workflow.ts, reactivation-workflow.ts)
 * do to the integration's state. Running integrations replay on it, so a change here must leave
 * their commands as they were. Version 1 has its own frozen copy (legacy/frozen/integration-state.ts).
 */

/** A reactivation's work as it starts (T3/T4): nothing counted yet; `since` is replaced by the window start once the resend knows it. */
export function newResendRun(run: { credentialsVersion: number; resend: boolean; startedAt: string; workflowId: string }): ResendRun {
  return {
    ...run, since: run.startedAt,
    read: 0, total: 0, calls: 0, resent: 0, alreadyDone: 0, inProgress: 0, skipped: 0, failed: 0, parkedResumed: 0, parkedSkipped: 0, failures: [],
  };
}

/** The last Bitrix24 errors an integration keeps for `status` (T6). */
const KEPT_ERRORS = 20;

/**
 * T1: a call saw the token refused. The error is kept; the integration turns broken unless the
 * failure was of superseded credentials, which says nothing about the new ones. Returns false
 * for such a superseded failure.
 */
export function recordBroken(
  state: IntegrationState, broken: { at: string; type: string; message: string; credentialsVersion: number },
): boolean {
  state.lastErrors = [...state.lastErrors, { at: broken.at, type: broken.type, message: broken.message }].slice(-KEPT_ERRORS);
  if (broken.credentialsVersion < state.credentialsVersion) return false;
  if (state.status !== 'broken') {
    state.status = 'broken';
    state.brokenSince = broken.at;
    state.brokenReason = `${broken.type}: ${broken.message}`;
  }
  return true;
}
