/**
 * B2 end to end: two calls from the same new number handled at the same time (two lines, a
 * quick redial) — their events published interleaved in one go — still yield one lead (and one
 * contact), and the second call is written to the first call's lead (docs/decisions.md "When things
 * are created": the client state is looked up inside the per-number serialisation).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { callEvents } from '../../tools/testkit/call-events';
import { startHarness, type Harness } from '../../tools/testkit/bridge-harness';
import {
  CALL_TIMEOUT_MS, OLENA, PETRO, assertTask, crmFor, idOf, only, ownerOf, tasksOfCall, taskOfCall,
} from '../../tools/testkit/crm-assert';
import type { CallEvent } from '../../schemas/call-event';
import type { CallResult } from '../../schemas/workflow-io';

/** Two calls' events, interleaved stage by stage: ringing A, ringing B, answered A, answered B, ended A, ended B. */
function interleave(a: CallEvent[], b: CallEvent[]): CallEvent[] {
  const out: CallEvent[] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i]) out.push(a[i] as CallEvent);
    if (b[i]) out.push(b[i] as CallEvent);
  }
  return out;
}

describe('scenario: concurrent calls from one new number (B2)', () => {
  let h: Harness;
  let lead: string;
  let leadContact: string;

  before(async () => {
    h = await startHarness({ projects: [{ id: 'b2-lead' }, { id: 'b2-leadc', scenario: { entities: 'lead+contact' } }] });
    [lead, leadContact] = h.projectIds as [string, string];
  });
  after(async () => {
    await h?.stop();
  });

  async function twoCalls(projectId: string, clientNumber: string) {
    const a = callEvents({ projectId, clientNumber, employee: { staffId: '101' } });
    // The redial comes from another format of the same number: one client all the same.
    const b = callEvents({ projectId, clientNumber: `0${clientNumber.slice(4)}`, employee: { staffId: '102' } });
    await h.publish(interleave(a, b));
    const [resultA, resultB] = await Promise.all([
      h.callResult(projectId, (a[0] as CallEvent).callId, CALL_TIMEOUT_MS),
      h.callResult(projectId, (b[0] as CallEvent).callId, CALL_TIMEOUT_MS),
    ]);
    const answerer = new Map<string, number>([[resultA.callId, OLENA], [resultB.callId, PETRO]]);
    const results = [resultA, resultB];
    const creator = only(results.filter((r) => r.outcome === 'lead-created'), 'call that created the lead');
    const follower = only(results.filter((r) => r.outcome === 'task-on-existing'), 'call written to the existing lead') as CallResult;
    return { crm: crmFor(h, projectId, clientNumber), creator, follower, answerer };
  }

  it('B2: two interleaved answered calls from one new number → exactly one lead; the second call is a task-on-existing bound to it', async () => {
    const { crm, creator, follower, answerer } = await twoCalls(lead, '+380503700001');
    const created = only(crm.leads, 'lead');
    assert.equal(creator.createdLeadId, idOf(created));
    assert.equal(follower.createdLeadId, undefined, 'the second call creates nothing');
    const owner = answerer.get(creator.callId) as number;
    const other = answerer.get(follower.callId) as number;
    assert.equal(ownerOf(created), owner, 'owned by whoever answered the call that created it');
    assertTask(taskOfCall(crm, creator.callId, 'call-record'), { responsible: owner, status: 'completed', bindings: [`L_${idOf(created)}`] });
    // The second call is an Open-client call answered by a colleague of the lead's owner (S2.3).
    assertTask(taskOfCall(crm, follower.callId, 'call-record'), { responsible: other, status: 'completed', bindings: [`L_${idOf(created)}`] });
    assertTask(taskOfCall(crm, follower.callId, 'review'), { responsible: owner, status: 'open', bindings: [`L_${idOf(created)}`] });
    assert.equal(crm.tasks.length, 3, 'three tasks in all on the lead');
  });

  it('B2: lead+contact → exactly one lead and one contact for two interleaved calls; the second call is a task-on-existing', async () => {
    const { crm, creator, follower } = await twoCalls(leadContact, '+380503700002');
    const created = only(crm.leads, 'lead');
    const contact = only(crm.contacts, 'contact');
    assert.equal(Number(created.CONTACT_ID), idOf(contact));
    assert.equal(creator.createdContactId, idOf(contact));
    assert.equal(follower.createdLeadId, undefined);
    assert.equal(tasksOfCall(crm, follower.callId).length, 2, 'record and review on the existing lead');
    for (const task of tasksOfCall(crm, follower.callId)) assert.ok((task.UF_CRM_TASK as string[]).includes(`L_${idOf(created)}`));
  });
});
