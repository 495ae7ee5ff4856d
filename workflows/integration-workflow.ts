import {
  ApplicationFailure, allHandlersFinished, condition, continueAsNew, setCurrentDetails, setHandler, sleep, workflowInfo,
} from '@temporalio/workflow';
import { roundRobinPosition } from '../decisions';
import type { IntegrationState, ReactivateReply, ReactivateRequest, ResendRun } from '../schemas/workflow-io';
import { integrationWork, webhookCheck } from './activity-proxies';
import {
  FailureType, integrationBrokenSignal, integrationStateQuery, nextRoundRobinUpdate, reactivateUpdate, resendProgressSignal,
} from './contract';
import { failureMessage } from './activity-failure';
import { recordBroken } from './integration-state';

/** Visibility lags a little behind a call's park: a second pass wakes calls that parked meanwhile. */
const SECOND_PASS = '5 seconds';

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
 */
export async function integrationWorkflowV2(initial: IntegrationState): Promise<void> {
  const state: IntegrationState = { ...initial, lastErrors: [...initial.lastErrors] };
  const pending: Array<{ credentialsVersion: number; resend: boolean }> = [];

  const describe = () => setCurrentDetails(integrationSummary(state));
  describe();

  setHandler(integrationStateQuery, () => state);
  setHandler(integrationBrokenSignal, (broken) => {
    if (recordBroken(state, broken)) describe();
  });
  setHandler(nextRoundRobinUpdate, ({ size }) => {
    const position = roundRobinPosition(state.roundRobin ?? 0, size);
    state.roundRobin = (state.roundRobin ?? 0) + 1;
    return position;
  });
  setHandler(resendProgressSignal, ({ credentialsVersion, since, counts }) => {
    if (state.resend?.credentialsVersion !== credentialsVersion) return;
    Object.assign(state.resend, { since }, counts);
  });
  setHandler(reactivateUpdate, async (request: ReactivateRequest): Promise<ReactivateReply> => {
    // T6 from several processes starting at once: the first applies the config change, the rest see it applied.
    if (request.source === 'config' && request.replacesConfigWebhook !== state.configWebhook?.data) {
      return { outcome: 'already-applied', credentialsVersion: state.credentialsVersion, portal: state.portal };
    }
    let portal: string;
    try {
      ({ portal } = await webhookCheck.checkWebhook({ projectId: state.projectId, webhook: request.webhook }));
    } catch (err) {
      throw ApplicationFailure.nonRetryable(failureMessage(err), FailureType.WebhookRefused);
    }
    state.credentialsVersion += 1;
    state.webhook = request.webhook;
    state.portal = portal;
    if (request.source === 'config') state.configWebhook = request.webhook;
    state.status = 'active';
    state.brokenSince = undefined;
    state.brokenReason = undefined;
    state.reactivations += 1;
    pending.push({ credentialsVersion: state.credentialsVersion, resend: request.resend });
    describe();
    return { outcome: 'accepted', credentialsVersion: state.credentialsVersion, portal };
  }, {
    validator: (request) => {
      if (!request?.webhook?.data || !request.webhook.iv || !request.webhook.tag) throw new Error('reactivate needs a sealed webhook');
    },
  });

  for (;;) {
    await condition(() => pending.length > 0 || workflowInfo().continueAsNewSuggested);
    const next = pending.shift();
    if (next) {
      await afterReactivation(state, next, describe);
      continue;
    }
    // Lives as long as the project; history is kept short by continuing as new, between handlers.
    await condition(allHandlersFinished);
    if (pending.length === 0) await continueAsNew<typeof integrationWorkflowV2>(state);
  }
}

/** T3/T4: wake or close the parked calls, then (T3) resend the last 3 days from Kafka. */
async function afterReactivation(state: IntegrationState, run: { credentialsVersion: number; resend: boolean }, describe: () => void): Promise<void> {
  const now = new Date().toISOString();
  const resend: ResendRun = {
    credentialsVersion: run.credentialsVersion, since: now, startedAt: now, resend: run.resend,
    read: 0, total: 0, calls: 0, resent: 0, alreadyDone: 0, skipped: 0, failed: 0, parkedResumed: 0, parkedSkipped: 0, failures: [],
  };
  state.resend = resend;
  describe();
  const action = run.resend
    ? { resume: { credentialsVersion: run.credentialsVersion } }
    : { skip: { reason: `reactivated without resend (credentials version ${run.credentialsVersion})` } };
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

function integrationSummary(state: IntegrationState): string {
  const head = state.status === 'active'
    ? `active, credentials version ${state.credentialsVersion}${state.portal ? ` on ${state.portal}` : ''}`
    : `BROKEN since ${state.brokenSince ?? '?'}: ${state.brokenReason ?? 'invalid token'} — reactivate from the CLI`;
  const resend = state.resend ? `; resend in progress: ${state.resend.read}/${state.resend.total} events, ${state.resend.resent} calls resent` : '';
  const last = !state.resend && state.lastResend
    ? `; last resend ${state.lastResend.finishedAt ?? ''}: resent ${state.lastResend.resent}, already done ${state.lastResend.alreadyDone}, skipped ${state.lastResend.skipped}, failed ${state.lastResend.failed}`
    : '';
  return `${state.projectId}: ${head}${resend}${last}`;
}
