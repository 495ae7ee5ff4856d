/**
 * B2 under the portal's rate limit (issue 16, P4): a burst of new callers on a portal whose limit
 * makes creations queue. Before the fix a shard's creation waited in the rate-limit queue inside
 * a local activity, holding the shard's workflow task; the SDK heartbeated that task, creations
 * sent meanwhile came back from the server as never processed (UnprocessedUpdate), and those
 * calls ended without their lead (P4: 47 of 300; docs/benchmarks.md "B2 under the portal's rate
 * limit"). Now a shard tries a creation locally only when the worker has room to send it at once,
 * and otherwise runs it as an activity in the creation lane (workflows/activity-proxies.ts
 * clientCreationTry, liveClientCreation). At this size the old code still wrote every call — the
 * loss needs P4's load — so what fails on it here is the path: no creation ran as an activity.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { callEvents } from '../../tools/testkit/call-events';
import { startHarness, type Harness } from '../../tools/testkit/bridge-harness';
import { crmFor, idOf, only, taskOfCall } from '../../tools/testkit/crm-assert';
import { unreplayableHistories } from '../../tools/testkit/replay-written';
import type { CallEvent } from '../../schemas/call-event';

/** New callers at once: enough that the creations outlast the portal's room by far. */
const CALLS = 24;

describe('B2, P4: new callers at once on a rate-limited portal (issue 16)', () => {
  let h: Harness;
  let project: string;

  before(async () => {
    // The client's limiter at one request a second with a burst of four: a creation's few
    // requests wait seconds behind the others'.
    h = await startHarness({ projects: [{ id: 'b2-limited', bitrix24: { rateLimit: { perSecond: 1, burst: 4 } } }] });
    [project] = h.projectIds as [string];
  });
  after(async () => {
    await h?.stop();
  });

  it(`B2, P4: ${CALLS} answered calls from ${CALLS} new numbers at once → every call has its one lead and its task, no creation turned away, no lead ever created beyond them`, { timeout: 420_000 }, async () => {
    const numbers = Array.from({ length: CALLS }, (_, i) => `+38050374${String(i).padStart(4, '0')}`);
    const calls = numbers.map((clientNumber) => callEvents({ projectId: project, clientNumber, employee: { staffId: '101' } }));
    await h.publish(calls.flat());
    const results = await Promise.all(calls.map((c) => h.callResult(project, (c[0] as CallEvent).callId, 400_000)));

    for (const [i, r] of results.entries()) {
      assert.deepEqual(r.failures, [], `call ${r.callId} recorded no failure`);
      assert.equal(r.outcome, 'lead-created', `call ${r.callId} created its client's lead`);
      const crm = crmFor(h, project, numbers[i] as string);
      const lead = only(crm.leads, `lead of ${numbers[i]}`);
      assert.equal(r.createdLeadId, idOf(lead));
      taskOfCall(crm, r.callId, 'call-record');
    }
    assert.deepEqual(h.sandbox.admin.state(project).createdEver, { lead: CALLS, contact: 0, deal: 0 }, 'one lead a caller, ever');

    // The shards' histories: creations tried locally and, where the portal had no room, run as
    // activities; no workflow task failed and no update was left unprocessed.
    let localTries = 0;
    let activities = 0;
    for await (const w of h.bridge.temporal.workflow.list({ query: `WorkflowId STARTS_WITH 'client-creation:${project}:'` })) {
      const history = await h.bridge.temporal.workflow.getHandle(w.workflowId, w.runId).fetchHistory();
      for (const event of history.events ?? []) {
        const failed = event.workflowTaskFailedEventAttributes;
        assert.ok(!failed, `no failed workflow task in ${w.workflowId}: ${failed?.failure?.message ?? ''}`);
        if (event.markerRecordedEventAttributes?.markerName === 'core_local_activity') localTries += 1;
        if (event.activityTaskScheduledEventAttributes?.activityType?.name === 'createClient') activities += 1;
      }
    }
    assert.ok(localTries > 0, 'some creations ran as local tries');
    assert.ok(activities > 0, 'creations that would have waited for the portal ran as activities');
    assert.ok(!h.logLines.some((line) => line.includes('UnprocessedUpdate')), 'no creation was rejected as never processed');
    // Every shard history replays on the code that wrote it: a worker that loses a shard from its
    // cache (a restart, an eviction) carries on (live, the tries resolved one by one as each
    // finished; replay resolves together the ones that overlapped).
    assert.deepEqual(await unreplayableHistories(h.bridge.temporal, `WorkflowId STARTS_WITH 'client-creation:${project}:'`), [], 'every shard history replays');
  });
});
