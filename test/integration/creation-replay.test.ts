/**
 * B2, R1 (issue 16): a burst of new callers whose creations share the project's shards, while a
 * fifth of the portal's answers are 500, so some local tries fail early (at the lookup), some late
 * (at the lead) and hand over to the creation activity, as others succeed. Every call ends with its one lead, and every shard history
 * the workers wrote replays on the same code. It did not before: a shard ran its live creations'
 * local tries side by side; live, the SDK resolves each as it finishes, on replay it resolves
 * together every try that overlapped, so the commands after them (an update's completion, the
 * fallback activity) came in another order — a non-determinism error once a worker lost the
 * shard from its cache (mixed-calls, seed 546526: a restart, and calls waiting on that shard for
 * ever). Same class as temporalio/sdk-typescript#1744 and sdk-python#1578.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { callEvents } from '../../tools/testkit/call-events';
import { startHarness, type Harness } from '../../tools/testkit/bridge-harness';
import { crmFor, idOf, only } from '../../tools/testkit/crm-assert';
import { unreplayableHistories } from '../../tools/testkit/replay-written';
import type { CallEvent } from '../../schemas/call-event';

/** New callers at once: several a shard (CLIENT_CREATION_SHARDS of them a project). */
const CALLS = 48;

describe('B2, R1: creations that overlap in a shard replay (issue 16)', () => {
  let h: Harness;
  let project: string;

  before(async () => {
    h = await startHarness({ projects: [{ id: 'b2-overlap' }] });
    [project] = h.projectIds as [string];
    h.sandbox.admin.setFaults(project, [{ errorRate: 0.2 }]);
  });
  after(async () => {
    await h?.stop();
  });

  it(`B2, R1: ${CALLS} new numbers at once, a fifth of the portal's answers 500 → one lead each, ever, and every shard history replays`, { timeout: 300_000 }, async () => {
    const numbers = Array.from({ length: CALLS }, (_, i) => `+38050375${String(i).padStart(4, '0')}`);
    const calls = numbers.map((clientNumber) => callEvents({ projectId: project, clientNumber, employee: { staffId: '101' } }));
    await h.publish(calls.flat());
    const results = await Promise.all(calls.map((c) => h.callResult(project, (c[0] as CallEvent).callId, 240_000)));

    for (const [i, r] of results.entries()) {
      assert.deepEqual(r.failures, [], `call ${r.callId} recorded no failure`);
      const lead = only(crmFor(h, project, numbers[i] as string).leads, `lead of ${numbers[i]}`);
      assert.equal(r.createdLeadId, idOf(lead));
    }
    assert.deepEqual(h.sandbox.admin.state(project).createdEver, { lead: CALLS, contact: 0, deal: 0 }, 'one lead a caller, ever');
    assert.ok(h.sandbox.admin.requestLog(project).some((entry) => entry.status === 500), 'some requests failed');
    assert.deepEqual(await unreplayableHistories(h.bridge.temporal, `WorkflowId STARTS_WITH 'client-creation:${project}:'`), [], 'every shard history replays');
  });
});
