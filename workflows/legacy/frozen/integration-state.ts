// FROZEN COPY for version 1 (workflows/legacy/): the parts of workflows/integration-state.ts that version 1 uses, copied at
// commit 41a79f2 (issue 16), when version 1 was frozen. Version-1 workflows still running replay on
// this code, so it never changes, and it deliberately duplicates live code: do not "dedupe" it back
// onto workflows/integration-state.ts (an edit there would change what version-1 workflows do). See docs/upgrades.md.
import type { IntegrationState } from '../../../schemas/workflow-io';

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
