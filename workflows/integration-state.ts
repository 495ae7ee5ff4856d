import type { AppliedChange, IntegrationState, ReactivateRequest, ResendRun } from '../schemas/workflow-io';

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

/**
 * T2/T6: an accepted reactivation becomes the next credentials version — its webhook (from the
 * config, also the config's webhook now in use), the portal that answered — and the integration
 * is active again. The twin of recordBroken.
 */
export function recordReactivation(state: IntegrationState, request: Pick<ReactivateRequest, 'webhook' | 'source'>, portal: string): void {
  state.credentialsVersion += 1;
  state.webhook = request.webhook;
  state.portal = portal;
  if (request.source === 'config') state.configWebhook = request.webhook;
  state.status = 'active';
  state.brokenSince = undefined;
  state.brokenReason = undefined;
  state.reactivations += 1;
}

/**
 * How many round-robin draws the state remembers by update id (S4.2). A draw is retried by its
 * local activity within seconds to minutes; a thousand covers that window even while a resend
 * draws for a burst of missed calls, and stays a few tens of kB in the continue-as-new input.
 */
export const KEPT_DRAWS = 1000;

/**
 * S4.2: the next round-robin position for the draw `id` — the answer it got before when it was
 * already drawn (a retry, possibly after a continue-as-new), else the next one, remembered.
 */
export function drawRoundRobin(state: IntegrationState, id: string | undefined, size: number, position: (counter: number, size: number) => number): number {
  const earlier = id === undefined ? undefined : state.roundRobinDraws?.find((draw) => draw.id === id);
  if (earlier) return earlier.position;
  const drawn = position(state.roundRobin ?? 0, size);
  state.roundRobin = (state.roundRobin ?? 0) + 1;
  if (id !== undefined) remember((state.roundRobinDraws ??= []), { id, position: drawn }, KEPT_DRAWS);
  return drawn;
}

/** How many applied reactivations the state remembers by update id (T2): a retry comes within minutes. */
export const KEPT_CHANGES = 20;

/** The answer an applied reactivate update gave, when `id` is one. */
export function appliedChange(state: IntegrationState, id: string | undefined): AppliedChange | undefined {
  return id === undefined ? undefined : state.appliedChanges?.find((change) => change.id === id);
}

export function rememberChange(state: IntegrationState, change: AppliedChange): void {
  remember((state.appliedChanges ??= []), change, KEPT_CHANGES);
}

/** Appends in place and drops the oldest beyond `kept`: no copy of the list per draw. */
function remember<T>(list: T[], entry: T, kept: number): void {
  list.push(entry);
  if (list.length > kept) list.splice(0, list.length - kept);
}

/**
 * What the state query answers: the state without the dedup lists, which only the workflow
 * needs (a thousand draws are tens of kB, and status, gauges and reactivate read the state often).
 */
export function queriedState(state: IntegrationState): IntegrationState {
  const { roundRobinDraws: _draws, appliedChanges: _changes, ...shown } = state;
  return shown;
}
