import { getExternalWorkflowHandle, setCurrentDetails, sleep, workflowInfo } from '@temporalio/workflow';
import { parkedCallsAction, reactivationDoneDetails, releasingDetails, resendingDetails } from '../decisions';
import type { ResendRun } from '../schemas/workflow-io';
import { integrationWork } from './activity-proxies';
import { integrationWorkflowId, reactivationFinishedSignal } from './contract';
import { failureMessage, retriesExhausted } from './activity-failure';
import { newResendRun } from './integration-state';

/** Visibility lags a little behind a call's park: a second pass wakes calls that parked meanwhile. */
const SECOND_PASS = '5 seconds';

export interface ReactivationInput {
  projectId: string;
  credentialsVersion: number;
  /** T3: resend the last 3 days; false (T4): close parked calls as skipped. */
  resend: boolean;
}

/**
 * The work after one accepted reactivation (`reactivation:{projectId}:{version}`, T3/T4): wake
 * the parked calls (or close them as skipped), then resend the last 3 days from Kafka. Its
 * history is a handful of events whatever the volume — the resend is one heartbeating activity,
 * and its progress lives in that heartbeat — so it can run for hours; the integration workflow
 * that started it stays free to continue as new meanwhile. When done it tells the integration.
 */
export async function reactivationWorkflow(input: ReactivationInput): Promise<ResendRun> {
  const startedAt = new Date(workflowInfo().runStartTime).toISOString();
  const run = newResendRun({ credentialsVersion: input.credentialsVersion, resend: input.resend, startedAt, workflowId: workflowInfo().workflowId });
  const action = parkedCallsAction(input);
  setCurrentDetails(releasingDetails(input.projectId, input.resend));
  let released = 0;
  for (const pass of [1, 2]) {
    if (pass === 2) await sleep(SECOND_PASS);
    try {
      released += (await integrationWork.releaseParkedCalls({ projectId: input.projectId, action })).released;
    } catch (err) {
      run.failures.push(`release: ${retriesExhausted(err) ?? failureMessage(err)}`);
    }
  }
  if (input.resend) run.parkedResumed = released;
  else run.parkedSkipped = released;
  if (input.resend) {
    setCurrentDetails(resendingDetails(input.projectId, released));
    try {
      const { failures, ...counts } = await integrationWork.resendEvents({ projectId: input.projectId, credentialsVersion: input.credentialsVersion, startedAt });
      Object.assign(run, counts);
      run.failures.push(...failures);
    } catch (err) {
      run.failures.push(retriesExhausted(err) ?? failureMessage(err));
    }
  }
  run.finishedAt = new Date().toISOString();
  setCurrentDetails(reactivationDoneDetails(input.projectId, run));
  await getExternalWorkflowHandle(integrationWorkflowId(input.projectId)).signal(reactivationFinishedSignal, run);
  return run;
}
