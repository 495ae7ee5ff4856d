/**
 * S4.2 (issue 16, item 2): a round-robin draw is made once, by its id, also across a
 * continue-as-new of the integration workflow. Temporal deduplicates an update id within one run
 * only; the draws move with the state, so a draw retried on the new run (the bridge's local
 * activity retries one that met the run closing) gets its first answer and the rotation moves once.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { integrationHandle, nextRoundRobinPosition, readIntegrationState } from '../../integration/integration-client';
import { integrationBrokenSignal } from '../../workflows/contract';
import { startHarness, type Harness } from '../../tools/testkit/bridge-harness';
import { waitFor } from '../../tools/testkit/wait-for';

describe('round-robin draws across continue-as-new (S4.2)', () => {
  let h: Harness;
  let projectId: string;
  before(async () => {
    h = await startHarness({ projects: [{ id: 'rrcan' }] });
    projectId = h.projectIds[0] as string;
  });
  after(async () => h?.stop());

  it('a draw retried on the next run gets its first answer and moves the rotation once', async () => {
    const temporal = h.bridge.temporal;
    const integration = integrationHandle(temporal, projectId);
    const firstRun = (await integration.describe()).runId;

    const first = await nextRoundRobinPosition(temporal, projectId, 3, 'round-robin:call-a');
    const second = await nextRoundRobinPosition(temporal, projectId, 3, 'round-robin:call-b');
    assert.notEqual(first, second, 'two calls, two positions');
    assert.equal(await nextRoundRobinPosition(temporal, projectId, 3, 'round-robin:call-a'), first, 'retried in the same run: Temporal\'s own dedup');
    const counter = (await readIntegrationState(temporal, projectId))?.roundRobin;

    // Grow the history past the server's continue-as-new suggestion (4096 events by default), in
    // rounds the worker keeps up with: reports of a superseded version change nothing else. Then
    // let it continue as new with no more signals arriving.
    const report = () => integration.signal(integrationBrokenSignal, { at: new Date().toISOString(), type: 'BitrixTokenInvalid', message: 'superseded', credentialsVersion: 0 });
    await waitFor('a history long enough for continue-as-new', async () => {
      const { runId, historyLength } = await integration.describe();
      if (runId !== firstRun || historyLength > 4300) return true;
      await Promise.all(Array.from({ length: 100 }, report));
      await new Promise((resolve) => setTimeout(resolve, 200));
      return false;
    }, 300_000);
    await waitFor('the integration workflow to continue as new', async () => {
      await new Promise((resolve) => setTimeout(resolve, 500));
      return (await integration.describe()).runId !== firstRun;
    }, 120_000);

    assert.equal(await nextRoundRobinPosition(temporal, projectId, 3, 'round-robin:call-a'), first, 'retried after continue-as-new: the same answer');
    assert.equal(await nextRoundRobinPosition(temporal, projectId, 3, 'round-robin:call-b'), second);
    const state = await readIntegrationState(temporal, projectId);
    assert.equal(state?.roundRobin, counter, 'the rotation did not move for the retries');
    assert.equal(state?.roundRobinDraws, undefined, 'the dedup list stays inside the workflow, out of the state query');
    // A new call's draw moves it on.
    const third = await nextRoundRobinPosition(temporal, projectId, 3, 'round-robin:call-c');
    assert.ok(![first, second].includes(third), 'the third call gets the third position');
  });
});
