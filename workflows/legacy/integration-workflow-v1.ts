// Frozen (version 1): the code of workflows started before version 2. Running ones replay on it,
// so what it does must not change; it imports only workflows/legacy/ (its own frozen copies in
// ./frozen), workflows/contract/ and schemas/ types (eslint.config.mjs). New integrations run
// workflows/integration-workflow.ts. See docs/upgrades.md.
import { condition, continueAsNew, setHandler, workflowInfo } from '@temporalio/workflow';
import { roundRobinPosition } from './frozen/decisions';
import type { IntegrationState } from '../../schemas/workflow-io';
import {
  integrationBrokenSignal, integrationReactivatedSignal, integrationStateQuery, nextRoundRobinUpdate,
} from '../contract';
import { recordBroken } from './frozen/integration-state';

/**
 * One per project (`integration:{projectId}`): the integration's state as operators see it
 * (T1–T5) and the project-wide round-robin position (S4.2). Call workflows never wait on it:
 * parking is decided from the credential store, so a broken project costs no extra round trips.
 */
export async function integrationWorkflow(initial: IntegrationState): Promise<void> {
  const state: IntegrationState = { ...initial, lastErrors: [...initial.lastErrors] };
  let roundRobin = initial.roundRobin ?? 0;

  setHandler(integrationStateQuery, () => ({ ...state, roundRobin }));
  setHandler(integrationBrokenSignal, (broken) => {
    recordBroken(state, broken);
  });
  setHandler(integrationReactivatedSignal, (reactivated) => {
    state.status = 'active';
    state.credentialsVersion = Math.max(state.credentialsVersion, reactivated.credentialsVersion);
    state.brokenSince = undefined;
    state.brokenReason = undefined;
    state.reactivations += 1;
  });
  setHandler(nextRoundRobinUpdate, ({ size }) => {
    const position = roundRobinPosition(roundRobin, size);
    roundRobin += 1;
    return position;
  });

  // Lives as long as the project; history is kept short by continuing as new.
  await condition(() => workflowInfo().continueAsNewSuggested);
  await continueAsNew<typeof integrationWorkflow>({ ...state, roundRobin });
}
