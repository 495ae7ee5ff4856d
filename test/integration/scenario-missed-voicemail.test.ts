/**
 * docs/decisions.md, incoming calls nobody answered and voicemails, end to end, asserted on the
 * sandbox's final CRM state: S4.1, S4.2 (senior manager, and the round-robin distribution),
 * S6.1, S6.2.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startHarness, type Harness } from '../../tools/testkit/bridge-harness';
import {
  IRYNA, OLENA, PETRO, SENIOR, assertTask, idOf, only, ownerOf, runCall, tasksOfCall,
} from '../../tools/testkit/crm-assert';

const phone = (value: string) => [{ VALUE: value, VALUE_TYPE: 'WORK' }];

describe('scenario: missed calls and voicemail (S4, S6)', () => {
  let h: Harness;
  let senior: string;
  let roundRobin: string;

  before(async () => {
    h = await startHarness({
      projects: [
        { id: 'missed' },
        { id: 'missed-rr', scenario: { missedNewClientAssignee: 'round-robin' } },
      ],
    });
    [senior, roundRobin] = h.projectIds as [string, string];
  });
  after(async () => {
    await h?.stop();
  });

  it('S4.1: no_answer from a client with an open lead → open call-back task on the lead\'s responsible, bound to it; no new lead', async () => {
    const leadId = h.sandbox.admin.seed(senior, 'lead', { TITLE: 'Form', PHONE: phone('050 340 00 01'), ASSIGNED_BY_ID: PETRO, STATUS_ID: 'NEW' });
    const run = await runCall(h, { projectId: senior, clientNumber: '+380503400001', disposition: 'no_answer' });
    assert.deepEqual(run.crm.leads.map(idOf), [leadId], 'no new lead');
    assert.equal(run.result.outcome, 'callback-task');
    const task = only(tasksOfCall(run.crm, run.callId), 'task of the call');
    assertTask(task, {
      responsible: PETRO, status: 'open', bindings: [`L_${leadId}`], titleMatches: /^Call the client back: \+380503400001$/,
      descriptionIncludes: ['Missed call (no_answer)', 'Status: no_answer'],
    });
  });

  it('S4.1: busy from a client known only as a contact → open call-back task on the contact\'s responsible, bound to the contact; no lead', async () => {
    const contactId = h.sandbox.admin.seed(senior, 'contact', { NAME: 'Ivan', PHONE: phone('050 340 00 02'), ASSIGNED_BY_ID: IRYNA });
    const run = await runCall(h, { projectId: senior, clientNumber: '+380503400002', disposition: 'busy' });
    assert.equal(run.crm.leads.length, 0, 'a missed call opens no lead for a contact');
    assert.deepEqual(run.crm.contacts.map(idOf), [contactId]);
    const task = only(tasksOfCall(run.crm, run.callId), 'task of the call');
    assertTask(task, { responsible: IRYNA, status: 'open', bindings: [`C_${contactId}`], titleMatches: /Call the client back/, descriptionIncludes: ['Status: busy'] });
  });

  it('S4.1: failed call from a client with an open deal → open call-back task on the deal\'s responsible, bound to the deal', async () => {
    const contactId = h.sandbox.admin.seed(senior, 'contact', { NAME: 'Olha', PHONE: phone('050 340 00 03'), ASSIGNED_BY_ID: IRYNA });
    const dealId = h.sandbox.admin.seed(senior, 'deal', { TITLE: 'Bed', CONTACT_ID: contactId, ASSIGNED_BY_ID: OLENA });
    const run = await runCall(h, { projectId: senior, clientNumber: '+380503400003', disposition: 'failed' });
    assert.deepEqual(run.crm.deals.map(idOf), [dealId]);
    assert.equal(run.crm.leads.length, 0);
    const task = only(tasksOfCall(run.crm, run.callId), 'task of the call');
    assertTask(task, { responsible: OLENA, status: 'open', bindings: [`D_${dealId}`], titleMatches: /Call the client back/ });
  });

  it('S4.2: missed call from a new client → a lead on the senior manager with an open call-back task on him, bound to it', async () => {
    const run = await runCall(h, { projectId: senior, clientNumber: '+380503400004', disposition: 'no_answer' });
    const created = only(run.crm.leads, 'lead');
    assert.equal(ownerOf(created), SENIOR);
    assert.match(String(created.TITLE), /Missed call/);
    assert.equal(created.SOURCE_ID, 'CALL');
    assert.equal(run.result.outcome, 'lead-created');
    const task = only(tasksOfCall(run.crm, run.callId), 'task of the call');
    assertTask(task, { responsible: SENIOR, status: 'open', bindings: [`L_${idOf(created)}`], titleMatches: /Call the client back/ });
  });

  it('S4.2: missedNewClientAssignee round-robin → two missed calls from new clients go to 7 then 8 (lead and call-back task each)', async () => {
    const first = await runCall(h, { projectId: roundRobin, clientNumber: '+380503400005', disposition: 'no_answer' });
    const second = await runCall(h, { projectId: roundRobin, clientNumber: '+380503400006', disposition: 'no_answer' });
    const owners = [first, second].map((run) => {
      const created = only(run.crm.leads, 'lead');
      const task = only(tasksOfCall(run.crm, run.callId), 'task of the call');
      assertTask(task, { status: 'open', bindings: [`L_${idOf(created)}`] });
      return { lead: ownerOf(created), task: Number(task.RESPONSIBLE_ID) };
    });
    assert.deepEqual(owners, [{ lead: OLENA, task: OLENA }, { lead: PETRO, task: PETRO }],
      'the flagged employees in turn; the lead and the call-back task of one call go to the same M');
  });

  it('S6.1: voicemail from a new client → a lead on the senior manager and an open call-back task on him with the voicemail link', async () => {
    const url = 'https://records.example/voicemail-3400007.mp3';
    const run = await runCall(h, { projectId: senior, clientNumber: '+380503400007', disposition: 'voicemail', recordingUrl: url });
    const created = only(run.crm.leads, 'lead');
    assert.equal(ownerOf(created), SENIOR);
    assert.match(String(created.TITLE), /Voicemail/);
    const task = only(tasksOfCall(run.crm, run.callId), 'task of the call');
    assertTask(task, {
      responsible: SENIOR, status: 'open', bindings: [`L_${idOf(created)}`], titleMatches: /voicemail from \+380503400007/,
      descriptionIncludes: [`The client left a voicemail: ${url}`, `Voicemail recording: ${url}`],
    });
  });

  it('S6.2: voicemail from a client with an open lead → open call-back task on the responsible with the voicemail link; no new lead', async () => {
    const leadId = h.sandbox.admin.seed(senior, 'lead', { TITLE: 'Form', PHONE: phone('+380503400008'), ASSIGNED_BY_ID: PETRO, STATUS_ID: 'IN_PROCESS' });
    const url = 'https://records.example/voicemail-3400008.mp3';
    const run = await runCall(h, { projectId: senior, clientNumber: '+380503400008', disposition: 'voicemail', recordingUrl: url });
    assert.deepEqual(run.crm.leads.map(idOf), [leadId]);
    assert.equal(run.result.outcome, 'callback-task');
    const task = only(tasksOfCall(run.crm, run.callId), 'task of the call');
    assertTask(task, { responsible: PETRO, status: 'open', bindings: [`L_${leadId}`], descriptionIncludes: [`Voicemail recording: ${url}`] });
  });

  it('S6.2: voicemail from a contact → open call-back task on the contact\'s responsible with the link, bound to the contact', async () => {
    const contactId = h.sandbox.admin.seed(senior, 'contact', { NAME: 'Petro', PHONE: phone('050 340 00 09'), ASSIGNED_BY_ID: OLENA });
    const url = 'https://records.example/voicemail-3400009.mp3';
    const run = await runCall(h, { projectId: senior, clientNumber: '+380503400009', disposition: 'voicemail', recordingUrl: url });
    assert.equal(run.crm.leads.length, 0);
    const task = only(tasksOfCall(run.crm, run.callId), 'task of the call');
    assertTask(task, { responsible: OLENA, status: 'open', bindings: [`C_${contactId}`], descriptionIncludes: [url] });
  });
});
