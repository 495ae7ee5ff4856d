/**
 * T1–T5 end to end: calls flow; the portal revokes the webhook mid-stream; later calls park
 * without hammering Bitrix24 and none fails; the worker and the Temporal server restart while
 * they are parked; `reactivate` with a new webhook resumes them and resends the last 3 days
 * from Kafka, writing every call of the window exactly once — and not an older one.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startTemporalDevServer, type TemporalDevServer } from '../../tools/infra/temporal-server';
import { BACKLOG_PRIORITY, BACKLOG_TASK_QUEUE, callWorkflowId, TASK_QUEUE } from '../../workflows/contract';
import { callEvents } from '../../tools/testkit/call-events';
import { startHarness, type Harness } from '../../tools/testkit/bridge-harness';
import { runCli } from '../../tools/testkit/run-cli';
import { waitFor } from '../../tools/testkit/wait-for';

const TEMPORAL_PORT = 17433;


describe('broken token: park, reactivate, resend (T1–T5)', () => {
  let h: Harness;
  let temporal: TemporalDevServer;
  let dataDir: string;
  let projectId: string;
  const startTemporal = () => startTemporalDevServer({ dbFile: join(dataDir, 'temporal.db'), port: TEMPORAL_PORT, uiPort: TEMPORAL_PORT + 1000, headless: true });

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'broken-token-'));
    temporal = await startTemporal();
    h = await startHarness({ projects: [{ id: 'broken' }], temporalAddress: temporal.address });
    projectId = h.projectIds[0] as string;
  });
  after(async () => {
    await h?.stop();
    await temporal?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  const parkedCount = async () => {
    let n = 0;
    for await (const _ of h.bridge.temporal.workflow.list({ query: `ProjectId='${projectId}' AND CallPhase='parked' AND ExecutionStatus='Running'` })) n += 1;
    return n;
  };
  const leadsOf = (callId: string) => h.sandbox.admin.state(projectId).leads.filter((l) => String(l.ORIGIN_ID ?? '').startsWith(`${callId}:`));

  it('parks, survives restarts, and reactivation writes each call of the window once', async () => {
    const healthy = [1, 2].map((i) => callEvents({ projectId, clientNumber: `+38050444000${i}`, employee: { staffId: '101' } }));
    await h.publish(healthy.flat());
    for (const events of healthy) assert.equal((await h.callResult(projectId, events[0]!.callId)).phase, 'completed');

    h.sandbox.admin.revokeWebhook(h.config.projects[0]!.bitrix24.webhookUrl);
    const requestsAtRevoke = h.sandbox.admin.requestLog(projectId).length;
    const parked = [1, 2, 3, 4, 5].map((i) => callEvents({ projectId, clientNumber: `+38050555000${i}`, employee: { staffId: '101' } }));
    await h.publish(parked.flat());
    // An old call (4 days ago) whose workflow is then lost: outside the window, it must not be resent.
    const fourDaysAgo = new Date(Date.now() - 4 * 24 * 3600 * 1000);
    const old = callEvents({ projectId, clientNumber: '+380506660001', employee: { staffId: '101' }, at: fourDaysAgo });
    await h.publish(old, { timestamp: fourDaysAgo });

    await waitFor('6 parked calls', async () => (await parkedCount()) === 6);
    const failedRequests = h.sandbox.admin.requestLog(projectId).length - requestsAtRevoke;
    assert.ok(failedRequests <= 3, `no retry storm: ${failedRequests} requests after the revoke`);
    for (const events of parked) {
      const description = await h.bridge.temporal.workflow.getHandle(callWorkflowId(projectId, events[0]!.callId)).describe();
      assert.equal(description.status.name, 'RUNNING', 'a parked call has not failed');
      // P8 (issue 15): a parked call is backlog — after a reactivation its workflow tasks queue behind live calls.
      assert.equal(description.raw.workflowExecutionInfo?.priority?.priorityKey, BACKLOG_PRIORITY.priorityKey, 'a parked call runs at backlog priority');
    }
    const live = await h.bridge.temporal.workflow.getHandle(callWorkflowId(projectId, healthy[0]![0]!.callId)).describe();
    assert.notEqual(live.raw.workflowExecutionInfo?.priority?.priorityKey, BACKLOG_PRIORITY.priorityKey, 'a call that never parked keeps its live priority');
    const status = await runCli(h, ['status', '--project', projectId, '--json']);
    assert.equal(status.code, 3, 'status exits 3 while a project is broken (docs/contracts.md §4)');
    assert.match(status.stdout, /broken/);

    // Lost workflows: the old call, and one call of the window.
    await h.bridge.temporal.workflow.getHandle(callWorkflowId(projectId, old[0]!.callId)).terminate('lost');
    await h.bridge.temporal.workflow.getHandle(callWorkflowId(projectId, parked[4]![0]!.callId)).terminate('lost');

    // Worker and Temporal restart while calls are parked: the SQLite file keeps them.
    await h.restartBridge(async () => {
      await temporal.stop();
      temporal = await startTemporal();
    });
    assert.equal(await parkedCount(), 4);

    const refused = await runCli(h, ['reactivate', '--project', projectId, '--webhook-url', 'http://127.0.0.1:1/rest/1/wrongwrongwrong1/']);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /refused|nothing was changed/);

    const newWebhook = h.sandbox.admin.createWebhook(projectId, 1);
    const reactivated = await runCli(h, ['reactivate', '--project', projectId, '--webhook-url', newWebhook]);
    assert.equal(reactivated.code, 0, reactivated.stderr);
    assert.match(reactivated.stdout, /summary: /);
    assert.doesNotMatch(reactivated.stdout + reactivated.stderr, new RegExp(newWebhook.split('/')[5] as string), 'the secret is not printed');

    for (const events of [...healthy, ...parked]) {
      const result = await h.callResult(projectId, events[0]!.callId, 90_000);
      assert.equal(result.phase, 'completed');
      assert.equal(leadsOf(events[0]!.callId).length, 1, `exactly one lead for ${events[0]!.callId}`);
    }
    assert.equal(leadsOf(old[0]!.callId).length, 0, 'the call older than 3 days is not resent');
    assert.equal(await parkedCount(), 0);

    // P8 (issue 15, item 5): backlog work runs in its own lane, live work on the main queue.
    const queuesOf = async (callId: string): Promise<string[]> => {
      const history = await h.bridge.temporal.workflow.getHandle(callWorkflowId(projectId, callId)).fetchHistory();
      return (history.events ?? []).flatMap((e) => (e.activityTaskScheduledEventAttributes ? [e.activityTaskScheduledEventAttributes.taskQueue?.name ?? ''] : []));
    };
    for (const events of parked.slice(0, 4)) {
      const [first, ...afterPark] = await queuesOf(events[0]!.callId);
      assert.equal(first, TASK_QUEUE, 'the attempt that parked ran as live work');
      assert.ok(afterPark.length > 0 && afterPark.every((q) => q === BACKLOG_TASK_QUEUE), `a resumed call's activities run in the backlog lane: ${afterPark.join(', ')}`);
    }
    const resent = await queuesOf(parked[4]![0]!.callId);
    assert.ok(resent.length > 0 && resent.every((q) => q === BACKLOG_TASK_QUEUE), `a call the resend started runs in the backlog lane: ${resent.join(', ')}`);
    for (const events of healthy) assert.ok((await queuesOf(events[0]!.callId)).every((q) => q === TASK_QUEUE), 'a live call\'s activities stay on the main queue');
  });
});
