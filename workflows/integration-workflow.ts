import {
  ApplicationFailure, ParentClosePolicy, allHandlersFinished, condition, continueAsNew, currentUpdateInfo, patched, setCurrentDetails, setHandler, sleep,
  startChild, workflowInfo,
} from '@temporalio/workflow';
import { configWebhookApplied, integrationSummary, parkedCallsAction, reactivationWorkSummary, roundRobinPosition, supersededMessage } from '../decisions';
import type { IntegrationState, ReactivateReply, ReactivateRequest, ResendRun } from '../schemas/workflow-io';
import { integrationWork, webhookCheck } from './activity-proxies';
import {
  FailureType, integrationBrokenSignal, integrationStateQuery, nextRoundRobinUpdate, reactivateUpdate, reactivationFinishedSignal,
  reactivationWorkflowId, resendProgressSignal,
} from './contract';
import { reactivationWorkflow } from './reactivation-workflow';
import { failureMessage } from './activity-failure';
import { appliedChange, drawRoundRobin, newResendRun, queriedState, recordBroken, recordReactivation, rememberChange } from './integration-state';

/** Visibility lags a little behind a call's park: a second pass wakes calls that parked meanwhile. */
const SECOND_PASS = '5 seconds';

/**
 * Patch (integrations whose history predates it replay without it): the work after a
 * reactivation runs in its own workflow (reactivation-workflow.ts) instead of as activities here,
 * so this workflow's history stays bounded during a resend of any length and it continues as new
 * whenever the server suggests it, carrying reactivations that wait their turn.
 */
export const REACTIVATION_WORKFLOW_PATCH = 'reactivation-in-own-workflow';

/**
 * Patch (issue 16): a reactivation applies on top of the version it was made on (its `basedOn`,
 * else the version when it arrived), checked again after the portal's answer. Of two changes
 * at once one wins; the other is refused (ReactivationSuperseded) or, from the config, is
 * already applied — one credentials version, one resend. Before it, both were applied.
 */
export const REACTIVATE_ONCE_PATCH = 'reactivate-once';

/**
 * One per project (`integration:{projectId}`), the one place that holds the project's
 * integration (R7): active or broken and why (T1), the webhook in use — sealed with
 * BRIDGE_SECRET_KEY (R4) — and its version, the round-robin position (S4.2), and the resend
 * after a reactivation, in progress or last finished (T3–T5). Workers, the HTTP service and the
 * CLI, on any host, read it by query and change it by signal or update.
 *
 * A reactivation (T2, T6) is an update: the new webhook is checked against the portal on a
 * worker first, and a refusal fails the update with the portal's reason, changing nothing.
 * Accepted, it becomes the next version at once; waking parked calls and the 3-day resend then
 * run here as activities — durable, resumed after a crash, not tied to the operator's terminal.
 * Exactly once (issue 16): a request names the version it was made on and carries a
 * deterministic update id (integration-client.ts reactivationUpdateId); the guard is checked
 * again after the handler's one await, so of two changes at once one wins and the other is told
 * why; the answers of applied ids, like the round-robin draws, move with the state across
 * continue-as-new, where Temporal's own per-run dedup of update ids ends.
 */
export async function integrationWorkflowV2(initial: IntegrationState): Promise<void> {
  const state: IntegrationState = { ...initial, lastErrors: [...initial.lastErrors] };
  const pending: Array<{ credentialsVersion: number; resend: boolean }> = [];

  const describe = () => setCurrentDetails(integrationSummary(state));
  describe();

  setHandler(integrationStateQuery, () => queriedState(state));
  setHandler(integrationBrokenSignal, (broken) => {
    if (recordBroken(state, broken)) describe();
  });
  // The update id is the call's draw id: a draw retried after a continue-as-new gets its first answer (S4.2).
  setHandler(nextRoundRobinUpdate, ({ size }) => drawRoundRobin(state, currentUpdateInfo()?.id, size, roundRobinPosition));
  setHandler(resendProgressSignal, ({ credentialsVersion, since, counts }) => {
    if (state.resend?.credentialsVersion !== credentialsVersion) return;
    Object.assign(state.resend, { since }, counts);
  });
  setHandler(reactivateUpdate, async (request: ReactivateRequest): Promise<ReactivateReply> => {
    // The same request again (its deterministic id), after a continue-as-new ended Temporal's own dedup: the same answer.
    const updateId = currentUpdateInfo()?.id;
    const earlier = appliedChange(state, updateId);
    if (earlier) return { outcome: 'accepted', credentialsVersion: earlier.credentialsVersion, portal: earlier.portal };
    const basedOn = request.basedOn ?? state.credentialsVersion;
    // T6 from several processes starting at once: the first applies the config change, the rest see it applied.
    const configApplied = () => configWebhookApplied(state, request);
    if (configApplied()) return { outcome: 'already-applied', credentialsVersion: state.credentialsVersion, portal: state.portal };
    if (basedOn !== state.credentialsVersion && patched(REACTIVATE_ONCE_PATCH)) throw superseded(state, basedOn);
    let portal: string;
    try {
      ({ portal } = await webhookCheck.checkWebhook({ projectId: state.projectId, webhook: request.webhook }));
    } catch (err) {
      throw ApplicationFailure.nonRetryable(failureMessage(err), FailureType.WebhookRefused);
    }
    // Other changes ran while the portal answered: the guard again, after the await (T2, one change per version).
    if (configApplied() && patched(REACTIVATE_ONCE_PATCH)) return { outcome: 'already-applied', credentialsVersion: state.credentialsVersion, portal: state.portal };
    if (basedOn !== state.credentialsVersion && patched(REACTIVATE_ONCE_PATCH)) throw superseded(state, basedOn);
    recordReactivation(state, request, portal);
    if (updateId !== undefined) rememberChange(state, { id: updateId, credentialsVersion: state.credentialsVersion, portal });
    pending.push({ credentialsVersion: state.credentialsVersion, resend: request.resend });
    describe();
    return { outcome: 'accepted', credentialsVersion: state.credentialsVersion, portal };
  }, {
    validator: (request) => {
      if (!request?.webhook?.data || !request.webhook.iv || !request.webhook.tag) throw new Error('reactivate needs a sealed webhook');
    },
  });

  setHandler(reactivationFinishedSignal, (run) => {
    if (state.resend?.credentialsVersion !== run.credentialsVersion) return;
    state.lastResend = run;
    state.resend = undefined;
    describe();
  });
  // Reactivations accepted by an earlier run that had not started their work yet.
  for (const queued of initial.queued ?? []) pending.push(queued);
  state.queued = undefined;

  for (;;) {
    // A reactivation's work starts when the previous one's has finished (state.resend cleared by its signal).
    await condition(() => (pending.length > 0 && !state.resend) || workflowInfo().continueAsNewSuggested);
    if (pending.length > 0 && !state.resend) {
      const next = pending.shift() as { credentialsVersion: number; resend: boolean };
      if (patched(REACTIVATION_WORKFLOW_PATCH)) await startReactivation(state, next, describe);
      else await afterReactivation(state, next, describe);
      continue;
    }
    // Lives as long as the project; history is kept short by continuing as new, between handlers.
    await condition(allHandlersFinished);
    if (patched(REACTIVATION_WORKFLOW_PATCH)) {
      await continueAsNew<typeof integrationWorkflowV2>({ ...state, queued: pending.length > 0 ? [...pending] : undefined });
    }
    if (pending.length === 0) await continueAsNew<typeof integrationWorkflowV2>(state);
  }
}

/**
 * T3/T4 from REACTIVATION_WORKFLOW_PATCH on: the reactivation's work starts as its own workflow,
 * which outlives this run (it may continue as new meanwhile) and signals back when done.
 */
async function startReactivation(state: IntegrationState, run: { credentialsVersion: number; resend: boolean }, describe: () => void): Promise<void> {
  const workflowId = reactivationWorkflowId(state.projectId, run.credentialsVersion);
  state.resend = newResendRun({ ...run, startedAt: new Date().toISOString(), workflowId });
  describe();
  try {
    await startChild(reactivationWorkflow, {
      workflowId,
      args: [{ projectId: state.projectId, credentialsVersion: run.credentialsVersion, resend: run.resend }],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      // A closed run of the same id (an integration recreated blank counts versions again) is no obstacle.
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
      staticSummary: reactivationWorkSummary(state.projectId, run),
    });
  } catch (err) {
    // Its work could not start (the id still running): said where operators look, and the next reactivation is not held up.
    state.lastResend = { ...state.resend, finishedAt: new Date().toISOString(), failures: [`the reactivation's work did not start: ${failureMessage(err)}`] };
    state.resend = undefined;
    describe();
  }
}

/** T3/T4 before REACTIVATION_WORKFLOW_PATCH: wake or close the parked calls, then (T3) resend the last 3 days, here. */
async function afterReactivation(state: IntegrationState, run: { credentialsVersion: number; resend: boolean }, describe: () => void): Promise<void> {
  const now = new Date().toISOString();
  const resend: ResendRun = {
    credentialsVersion: run.credentialsVersion, since: now, startedAt: now, resend: run.resend,
    read: 0, total: 0, calls: 0, resent: 0, alreadyDone: 0, skipped: 0, failed: 0, parkedResumed: 0, parkedSkipped: 0, failures: [],
  };
  state.resend = resend;
  describe();
  const action = parkedCallsAction(run);
  let released = 0;
  for (const pass of [1, 2]) {
    if (pass === 2) await sleep(SECOND_PASS);
    released += (await integrationWork.releaseParkedCalls({ projectId: state.projectId, action })).released;
  }
  if (run.resend) resend.parkedResumed = released;
  else resend.parkedSkipped = released;
  if (run.resend) {
    try {
      const summary = await integrationWork.resendEvents({ projectId: state.projectId, credentialsVersion: run.credentialsVersion });
      Object.assign(resend, summary);
    } catch (err) {
      resend.failures = [...resend.failures, failureMessage(err)];
    }
  }
  resend.finishedAt = new Date().toISOString();
  state.lastResend = { ...resend };
  state.resend = undefined;
  describe();
}

/** A reactivation that lost (T2): refused, not retried, with the version that won. */
function superseded(state: IntegrationState, basedOn: number): ApplicationFailure {
  return ApplicationFailure.nonRetryable(supersededMessage(state, basedOn), FailureType.ReactivationSuperseded);
}
