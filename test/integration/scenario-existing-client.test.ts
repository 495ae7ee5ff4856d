/**
 * docs/decisions.md, incoming answered calls from an Open client (an open lead, or an open deal of
 * the caller's contact), end to end, asserted on the sandbox's final CRM state: S2.1–S2.4, and
 * what counts as open (converted leads do not; the newest open lead is the client's entity).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startHarness, type Harness } from '../../tools/testkit/bridge-harness';
import {
  IRYNA, OLENA, PETRO, SENIOR, assertTask, idOf, only, ownerOf, runCall, tasksOfCall, taskOfCall,
} from '../../tools/testkit/crm-assert';

const phone = (value: string) => [{ VALUE: value, VALUE_TYPE: 'WORK' }];

describe('scenario: existing client with an open lead or deal (S2)', () => {
  let h: Harness;
  let projectId: string;
  const seedOpenLead = (number: string, owner: number, extra: Record<string, unknown> = {}) =>
    h.sandbox.admin.seed(projectId, 'lead', { TITLE: 'Web form request', PHONE: phone(number), ASSIGNED_BY_ID: owner, STATUS_ID: 'NEW', ...extra });

  before(async () => {
    h = await startHarness({ projects: [{ id: 'existing' }] });
    projectId = h.projectIds[0] as string;
  });
  after(async () => {
    await h?.stop();
  });

  it('S2.1, S2.2: answered by the lead\'s responsible → no new lead; one completed record on him bound to the lead, with the recording link', async () => {
    const leadId = seedOpenLead('050 320 00 01', PETRO);
    const run = await runCall(h, { projectId, clientNumber: '+380503200001', employee: { staffId: '102' } });
    assert.deepEqual(run.crm.leads.map(idOf), [leadId], 'S2.1: nothing new is created');
    assert.equal(ownerOf(run.crm.leads[0]), PETRO, 'owner unchanged');
    assert.equal(run.crm.contacts.length, 0);
    assert.equal(run.result.outcome, 'task-on-existing');
    assert.equal(run.result.createdLeadId, undefined);
    const record = only(tasksOfCall(run.crm, run.callId), 'task of the call');
    assertTask(record, {
      responsible: PETRO, status: 'completed', bindings: [`L_${leadId}`],
      descriptionIncludes: [`Recording: https://records.example/${run.callId}.mp3`, 'Status: answered'],
    }, 'S2.2 call record');
  });

  it('S2.3: answered by a colleague → completed record on the answerer and an open review task on the responsible, both bound to the lead', async () => {
    const leadId = seedOpenLead('+38 (050) 320-00-02', PETRO);
    const run = await runCall(h, { projectId, clientNumber: '+380503200002', employee: { extension: '101' } });
    assert.deepEqual(run.crm.leads.map(idOf), [leadId]);
    assert.equal(ownerOf(run.crm.leads[0]), PETRO, 'the lead stays with its responsible');
    assert.equal(run.result.outcome, 'task-on-existing');
    assert.equal(tasksOfCall(run.crm, run.callId).length, 2);
    assertTask(taskOfCall(run.crm, run.callId, 'call-record'), {
      responsible: OLENA, status: 'completed', bindings: [`L_${leadId}`], descriptionIncludes: [`https://records.example/${run.callId}.mp3`],
    }, 'call record');
    assertTask(taskOfCall(run.crm, run.callId, 'review'), {
      responsible: PETRO, status: 'open', bindings: [`L_${leadId}`], titleMatches: /Review the call your colleague took/,
      descriptionIncludes: ['Olena Koval', `https://records.example/${run.callId}.mp3`],
    }, 'review task');
  });

  it('S2.4: answered on an unbound line → completed record on the responsible, open settings task on the senior manager', async () => {
    const leadId = seedOpenLead('0503200003', PETRO);
    const run = await runCall(h, { projectId, clientNumber: '+380503200003', employee: { sip: 'unknown_sip' } });
    assert.deepEqual(run.crm.leads.map(idOf), [leadId]);
    assert.equal(tasksOfCall(run.crm, run.callId).length, 2);
    assertTask(taskOfCall(run.crm, run.callId, 'call-record'), { responsible: PETRO, status: 'completed', bindings: [`L_${leadId}`] });
    assertTask(taskOfCall(run.crm, run.callId, 'settings'), {
      responsible: SENIOR, status: 'open', bindings: [`L_${leadId}`], titleMatches: /SIP unknown_sip is not bound to an employee: check the integration settings/,
    }, 'settings task');
  });

  it('S2.1, S2.2: an open deal of the caller\'s contact → no new lead or deal; the record on the deal\'s responsible is bound to the deal', async () => {
    const contactId = h.sandbox.admin.seed(projectId, 'contact', { NAME: 'Ivan', PHONE: phone('050 320 00 04'), ASSIGNED_BY_ID: IRYNA });
    const dealId = h.sandbox.admin.seed(projectId, 'deal', { TITLE: 'Sofa', CONTACT_ID: contactId, ASSIGNED_BY_ID: PETRO });
    const run = await runCall(h, { projectId, clientNumber: '+380503200004', employee: { staffId: '102' } });
    assert.equal(run.crm.leads.length, 0, 'no lead');
    assert.deepEqual(run.crm.deals.map(idOf), [dealId], 'no new deal');
    assert.deepEqual(run.crm.contacts.map(idOf), [contactId], 'no new contact');
    assert.equal(run.result.outcome, 'task-on-existing');
    const record = only(tasksOfCall(run.crm, run.callId), 'task of the call');
    assertTask(record, { responsible: PETRO, status: 'completed', bindings: [`D_${dealId}`] });
  });

  it('S2.3: open deal answered by someone other than the deal\'s responsible → record on the answerer, review on the deal\'s responsible', async () => {
    const contactId = h.sandbox.admin.seed(projectId, 'contact', { NAME: 'Oksana', PHONE: phone('050 320 00 05'), ASSIGNED_BY_ID: PETRO });
    const dealId = h.sandbox.admin.seed(projectId, 'deal', { TITLE: 'Table', CONTACT_ID: contactId, ASSIGNED_BY_ID: IRYNA });
    const run = await runCall(h, { projectId, clientNumber: '+380503200005', employee: { staffId: '101' } });
    assert.deepEqual(run.crm.deals.map(idOf), [dealId]);
    assert.equal(run.crm.leads.length, 0);
    assertTask(taskOfCall(run.crm, run.callId, 'call-record'), { responsible: OLENA, status: 'completed', bindings: [`D_${dealId}`] });
    assertTask(taskOfCall(run.crm, run.callId, 'review'), { responsible: IRYNA, status: 'open', bindings: [`D_${dealId}`] });
  });

  it('Terms: a converted lead is not open → the caller is a New client and gets a new lead on the answerer', async () => {
    const oldLead = seedOpenLead('050 320 00 06', PETRO, { STATUS_ID: 'CONVERTED' });
    const run = await runCall(h, { projectId, clientNumber: '+380503200006', employee: { staffId: '101' } });
    assert.equal(run.crm.leads.length, 2, 'the converted lead and a new one');
    const created = only(run.crm.leads.filter((l) => idOf(l) !== oldLead), 'new lead');
    assert.equal(ownerOf(created), OLENA);
    assert.equal(run.result.outcome, 'lead-created');
    assertTask(taskOfCall(run.crm, run.callId, 'call-record'), { responsible: OLENA, status: 'completed', bindings: [`L_${idOf(created)}`] });
  });

  it('Terms: among several open leads the most recently created is the client\'s entity', async () => {
    seedOpenLead('050 320 00 07', PETRO, { DATE_CREATE: '2024-01-10T10:00:00+02:00' });
    const newer = seedOpenLead('050 320 00 07', IRYNA, { DATE_CREATE: '2025-03-10T10:00:00+02:00' });
    const run = await runCall(h, { projectId, clientNumber: '+380503200007', employee: { staffId: '103' } });
    assert.equal(run.crm.leads.length, 2, 'no new lead');
    const record = only(tasksOfCall(run.crm, run.callId), 'task of the call');
    assertTask(record, { responsible: IRYNA, status: 'completed', bindings: [`L_${newer}`] });
  });
});
