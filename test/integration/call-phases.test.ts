/**
 * Foundation, through the real path (Kafka → dispatcher → Temporal → activities → sandbox):
 * phases for each event order, dedup by eventId, calls that never end, and the CallPhase
 * search attribute operators filter on (B4).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { callEvents } from '../../tools/testkit/call-events';
import { startHarness, type Harness } from '../../tools/testkit/bridge-harness';
import { callWorkflowId } from '../../workflows/contract';

describe('call phases end to end', () => {
  let h: Harness;
  let projectId: string;
  before(async () => {
    process.env.CALL_IDLE_TIMEOUT_MS = '3000';
    h = await startHarness({ projects: [{ id: 'phases' }] });
    projectId = h.projectIds[0] as string;
  });
  after(async () => {
    delete process.env.CALL_IDLE_TIMEOUT_MS;
    await h?.stop();
  });

  it('ringing → answered → ended completes and records the lead it created', async () => {
    const events = callEvents({ projectId, clientNumber: '+380501110001', employee: { staffId: '101' } });
    await h.publish(events);
    const result = await h.callResult(projectId, events[0]!.callId);
    assert.equal(result.phase, 'completed');
    assert.equal(result.eventsSeen, 3);
    assert.ok(result.createdLeadId, 'a lead was created');
    const lead = h.sandbox.admin.state(projectId).leads.find((l) => Number(l.ID) === result.createdLeadId);
    assert.equal(String(lead?.ASSIGNED_BY_ID), '7');
  });

  it('call.ended alone (after-call webhook) is enough', async () => {
    const events = callEvents({ projectId, clientNumber: '+380501110002', employee: { extension: '102' } });
    await h.publish(events.filter((e) => e.type === 'call.ended'));
    const result = await h.callResult(projectId, events[0]!.callId);
    assert.equal(result.phase, 'completed');
    assert.equal(result.eventsSeen, 1);
    assert.ok(result.createdLeadId);
  });

  it('reordered and duplicated events are folded once', async () => {
    const events = callEvents({ projectId, clientNumber: '+380501110003', employee: { staffId: '101' } });
    const [ringing, answered, ended] = events as [typeof events[0], typeof events[0], typeof events[0]];
    await h.publish([answered, ringing, answered, ringing]);
    await h.publish([ended, ended]);
    const result = await h.callResult(projectId, ringing.callId);
    assert.equal(result.eventsSeen, 3, 'duplicates are dropped by eventId');
    const leads = h.sandbox.admin.state(projectId).leads.filter((l) => String(l.ORIGIN_ID ?? '').startsWith(ringing.callId));
    assert.equal(leads.length, 1);
  });

  it('a missed call ends in the missed path and completes', async () => {
    const events = callEvents({ projectId, clientNumber: '+380501110004', disposition: 'no_answer' });
    await h.publish(events);
    const result = await h.callResult(projectId, events[0]!.callId);
    assert.equal(result.phase, 'completed');
    // S4.2 with the default scenario: a lead on the senior manager and an open call-back task.
    assert.equal(result.outcome, 'lead-created');
    assert.ok(result.createdLeadId);
    assert.deepEqual(Object.keys(result.taskIds), ['call-back']);
    const task = h.sandbox.admin.state(projectId).tasks.find((t) => Number(t.ID) === result.taskIds['call-back']);
    assert.equal(String(task?.RESPONSIBLE_ID), '1');
    assert.equal(String(task?.STATUS), '2');
  });

  it('a call that never ends closes after the idle timeout', async () => {
    const events = callEvents({ projectId, clientNumber: '+380501110005', employee: { staffId: '101' } });
    await h.publish(events.slice(0, 2));
    const result = await h.callResult(projectId, events[0]!.callId, 30_000);
    assert.equal(result.phase, 'completed');
    assert.equal(result.eventsSeen, 2);
    // Issue 16: the timeout that ended it is said, in the result and the UI summary.
    assert.ok((result.closedIdleAfterMs ?? 0) > 0, 'the result says the idle timeout closed it');
    const metadata = await h.bridge.temporal.workflow.getHandle(callWorkflowId(projectId, events[0]!.callId))
      .query<{ currentDetails?: string }>('__temporal_workflow_metadata');
    assert.match(metadata.currentDetails ?? '', /closed after .* with no event \(no call\.ended\)/);
  });

  it('operators find the call by project, call id, phone and phase (B4)', async () => {
    const events = callEvents({ projectId, clientNumber: '050 111 00 06', employee: { staffId: '101' } });
    await h.publish(events);
    await h.callResult(projectId, events[0]!.callId);
    const query = `ProjectId='${projectId}' AND CallId='${events[0]!.callId}' AND ClientNumber='+380501110006' AND CallPhase='completed'`;
    let found: string[] = [];
    for (let i = 0; i < 50 && found.length === 0; i++) {
      found = [];
      for await (const wf of h.bridge.temporal.workflow.list({ query })) found.push(wf.workflowId);
      if (found.length === 0) await new Promise((r) => setTimeout(r, 200));
    }
    assert.deepEqual(found, [callWorkflowId(projectId, events[0]!.callId)]);
  });
});
