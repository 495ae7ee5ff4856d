/**
 * docs/decisions.md, outgoing calls (S5.1–S5.3) and calls never written to the CRM (S7: internal,
 * transit, transferred legs after the first), end to end, asserted on the sandbox's final CRM
 * state.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { callEvents } from '../../tools/testkit/call-events';
import { startHarness, type Harness } from '../../tools/testkit/bridge-harness';
import {
  IRYNA, OLENA, PETRO, SENIOR, assertNothingWritten, assertTask, idOf, only, ownerOf, runCall, runEvents, tasksOfCall, taskOfCall,
} from '../../tools/testkit/crm-assert';

const phone = (value: string) => [{ VALUE: value, VALUE_TYPE: 'WORK' }];

describe('scenario: outgoing calls and skipped calls (S5, S7)', () => {
  let h: Harness;
  let projectId: string;
  let leadContact: string;

  before(async () => {
    h = await startHarness({ projects: [{ id: 'outgoing' }, { id: 'outgoing-leadc', scenario: { entities: 'lead+contact' } }] });
    [projectId, leadContact] = h.projectIds as [string, string];
  });
  after(async () => {
    await h?.stop();
  });

  it('S5.1: outgoing to a client with an open lead → completed record on the caller with the recording link and the status, bound to the lead', async () => {
    const leadId = h.sandbox.admin.seed(projectId, 'lead', { TITLE: 'Form', PHONE: phone('050 350 00 01'), ASSIGNED_BY_ID: PETRO, STATUS_ID: 'NEW' });
    const run = await runCall(h, { projectId, clientNumber: '+380503500001', direction: 'outgoing', employee: { staffId: '101' } });
    assert.deepEqual(run.crm.leads.map(idOf), [leadId], 'no new lead');
    assert.equal(run.result.outcome, 'task-on-existing');
    const record = only(tasksOfCall(run.crm, run.callId), 'task of the call');
    assertTask(record, {
      responsible: OLENA, status: 'completed', bindings: [`L_${leadId}`], titleMatches: /^Outgoing call to \+380503500001$/,
      descriptionIncludes: [`Recording: https://records.example/${run.callId}.mp3`, 'Status: answered', 'Direction: outgoing', 'Dialled by: Olena Koval'],
    });
  });

  it('S5.1: an unanswered outgoing call to an open lead → still a completed record on the caller, the status in it', async () => {
    const leadId = h.sandbox.admin.seed(projectId, 'lead', { TITLE: 'Form', PHONE: phone('050 350 00 02'), ASSIGNED_BY_ID: OLENA, STATUS_ID: 'NEW' });
    // The caller is on every event of an outgoing call, also when the client did not pick up.
    const events = callEvents({ projectId, clientNumber: '+380503500002', direction: 'outgoing', disposition: 'no_answer' })
      .map((event) => ({ ...event, employee: { extension: '102' } }));
    const run = await runEvents(h, projectId, '+380503500002', events);
    assert.deepEqual(run.crm.leads.map(idOf), [leadId]);
    const record = only(tasksOfCall(run.crm, run.callId), 'task of the call');
    assertTask(record, {
      responsible: PETRO, status: 'completed', bindings: [`L_${leadId}`], titleMatches: /\(no_answer\)/, descriptionIncludes: ['Status: no_answer'],
    });
  });

  it('S5.2: outgoing to a number with no CRM entity → nothing is created', async () => {
    const run = await runCall(h, { projectId, clientNumber: '+380503500003', direction: 'outgoing', employee: { staffId: '102' } });
    assertNothingWritten(run);
    assert.equal(run.result.outcome, 'nothing-outgoing-new');
  });

  it('S5.2: outgoing to an unknown number under lead+contact → no contact and no lead either', async () => {
    const run = await runCall(h, { projectId: leadContact, clientNumber: '+380503500004', direction: 'outgoing', employee: { staffId: '102' } });
    assertNothingWritten(run);
  });

  it('S5.3: outgoing to a client with only a contact → no lead or deal; completed record on the caller bound to the contact', async () => {
    const contactId = h.sandbox.admin.seed(projectId, 'contact', { NAME: 'Ivan', PHONE: phone('050 350 00 05'), ASSIGNED_BY_ID: IRYNA });
    const run = await runCall(h, { projectId, clientNumber: '+380503500005', direction: 'outgoing', employee: { sip: 'petro_sip' } });
    assert.equal(run.crm.leads.length, 0, 'no lead');
    assert.equal(run.crm.deals.length, 0, 'no deal');
    assert.deepEqual(run.crm.contacts.map(idOf), [contactId]);
    assert.equal(run.result.outcome, 'task-on-contact');
    const record = only(tasksOfCall(run.crm, run.callId), 'task of the call');
    assertTask(record, {
      responsible: PETRO, status: 'completed', bindings: [`C_${contactId}`], descriptionIncludes: [`https://records.example/${run.callId}.mp3`],
    });
  });

  it('S5.1, M4: outgoing from a line bound to no employee → the record goes to the senior manager', async () => {
    const leadId = h.sandbox.admin.seed(projectId, 'lead', { TITLE: 'Form', PHONE: phone('050 350 00 06'), ASSIGNED_BY_ID: PETRO, STATUS_ID: 'NEW' });
    const run = await runCall(h, { projectId, clientNumber: '+380503500006', direction: 'outgoing', employee: { extension: '777' } });
    const record = only(tasksOfCall(run.crm, run.callId), 'task of the call');
    assertTask(record, { responsible: SENIOR, status: 'completed', bindings: [`L_${leadId}`] });
  });

  it('S7: an internal call between employees → nothing written, outcome skipped-internal', async () => {
    const run = await runCall(h, { projectId, clientNumber: '+380503500007', internal: true, employee: { staffId: '101' } });
    assertNothingWritten(run);
    assert.equal(run.result.outcome, 'skipped-internal');
  });

  it('S7: a transit call → nothing written, outcome skipped-transit', async () => {
    const run = await runCall(h, { projectId, clientNumber: '+380503500008', direction: 'transit', employee: { staffId: '101' } });
    assertNothingWritten(run);
    assert.equal(run.result.outcome, 'skipped-transit');
  });

  it('S7: a missed internal call on lead+contact → no lead, no contact, no call-back task', async () => {
    const run = await runCall(h, { projectId: leadContact, clientNumber: '+380503500009', internal: true, disposition: 'no_answer' });
    assertNothingWritten(run);
    assert.equal(run.result.outcome, 'skipped-internal');
  });

  it('S7: a transferred call → only the first manager\'s leg is written; the transferred leg writes nothing (skipped-transferred)', async () => {
    const clientNumber = '+380503500010';
    const firstLeg = await runCall(h, { projectId, clientNumber, employee: { staffId: '101' } });
    const created = only(firstLeg.crm.leads, 'lead');
    assert.equal(ownerOf(created), OLENA);
    assertTask(taskOfCall(firstLeg.crm, firstLeg.callId, 'call-record'), {
      responsible: OLENA, status: 'completed', bindings: [`L_${idOf(created)}`], descriptionIncludes: [`https://records.example/${firstLeg.callId}.mp3`],
    });

    const secondLeg = await runCall(h, { projectId, clientNumber, employee: { staffId: '102' }, transferredFrom: { extension: '101' } });
    assert.equal(secondLeg.result.outcome, 'skipped-transferred');
    assert.deepEqual(secondLeg.crm.leads.map(idOf), [idOf(created)], 'no second lead');
    assert.equal(ownerOf(secondLeg.crm.leads[0]), OLENA, 'the lead stays with the first manager');
    assert.equal(tasksOfCall(secondLeg.crm, secondLeg.callId).length, 0, 'no task for the transferred leg');
    assert.equal(secondLeg.crm.tasks.length, 1, 'the lead carries only the first leg\'s record');
  });
});
