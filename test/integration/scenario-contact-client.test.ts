/**
 * docs/decisions.md, incoming answered calls from a client known only as a contact, end to end,
 * asserted on the sandbox's final CRM state: S3.1–S3.3, the unbound-line row, deal+contact,
 * and B1 (a contact stored in another number format is found: no duplicate contact).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startHarness, type Harness } from '../../tools/testkit/bridge-harness';
import {
  IRYNA, OLENA, PETRO, SENIOR, assertE164Phone, assertTask, idOf, only, ownerOf, phonesOf, runCall, tasksOfCall, taskOfCall,
  type CallRun,
} from '../../tools/testkit/crm-assert';

const phone = (value: string) => [{ VALUE: value, VALUE_TYPE: 'WORK' }];
const HOUR_MS = 3_600_000;

describe('scenario: existing contact with no open lead or deal (S3, B1)', () => {
  let h: Harness;
  let lead: string;
  let fiveHours: string;
  let leadOnly: string;
  let dealContact: string;
  let leadContact: string;
  const seedContact = (projectId: string, number: string, owner: number) =>
    h.sandbox.admin.seed(projectId, 'contact', { NAME: 'Known client', PHONE: phone(number), ASSIGNED_BY_ID: owner });

  before(async () => {
    h = await startHarness({
      projects: [
        { id: 'contact-lead' },
        { id: 'contact-5h', scenario: { contactOwnerTaskHours: 5 } },
        { id: 'contact-leadonly', scenario: { leadOnlyIfNoContact: true } },
        { id: 'contact-dealc', scenario: { entities: 'deal+contact' } },
        { id: 'contact-leadc', scenario: { entities: 'lead+contact' } },
      ],
    });
    [lead, fiveHours, leadOnly, dealContact, leadContact] = h.projectIds as [string, string, string, string, string];
  });
  after(async () => {
    await h?.stop();
  });

  /** The contact-owner task is due `hours` after the call (call.ended's time, as the events say). */
  function assertDueAfterCall(run: CallRun, deadline: unknown, hours: number): void {
    const ended = run.events.find((e) => e.type === 'call.ended');
    assert.ok(ended, 'the call has call.ended');
    const due = Date.parse(String(deadline));
    assert.ok(Number.isFinite(due), `DEADLINE is a date: ${String(deadline)}`);
    // Bitrix24 keeps dates to the second.
    const expected = Math.floor((Date.parse(ended.occurredAt) + hours * HOUR_MS) / 1000) * 1000;
    assert.equal(due, expected, `DEADLINE ${String(deadline)} = call time ${ended.occurredAt} + ${hours} h`);
  }

  it('S3.1: answered by the contact\'s responsible → a lead owned by him bound to the contact; completed record bound to the lead and the contact', async () => {
    const contactId = seedContact(lead, '050 330 00 01', PETRO);
    const run = await runCall(h, { projectId: lead, clientNumber: '+380503300001', employee: { staffId: '102' } });
    assert.deepEqual(run.crm.contacts.map(idOf), [contactId], 'no new contact');
    const created = only(run.crm.leads, 'lead');
    assert.equal(ownerOf(created), PETRO);
    assert.equal(Number(created.CONTACT_ID), contactId, 'the lead is bound to the contact');
    assertE164Phone(created, '+380503300001', 'lead');
    assert.equal(run.result.outcome, 'lead-on-contact');
    const record = only(tasksOfCall(run.crm, run.callId), 'task of the call');
    assertTask(record, {
      responsible: PETRO, status: 'completed', bindings: [`L_${idOf(created)}`, `C_${contactId}`],
      descriptionIncludes: [`Recording: https://records.example/${run.callId}.mp3`],
    });
  });

  it('S3.2: answered by a colleague → the colleague owns the new lead and the completed record; the contact\'s responsible gets an open task due 3 h (default) after the call', async () => {
    const contactId = seedContact(lead, '050 330 00 02', PETRO);
    const run = await runCall(h, { projectId: lead, clientNumber: '+380503300002', employee: { staffId: '101' } });
    assert.deepEqual(run.crm.contacts.map(idOf), [contactId]);
    assert.equal(ownerOf(run.crm.contacts[0]), PETRO, 'the contact keeps its responsible');
    const created = only(run.crm.leads, 'lead');
    assert.equal(ownerOf(created), OLENA, 'the answerer becomes responsible for the new lead');
    assert.equal(Number(created.CONTACT_ID), contactId);
    assert.equal(tasksOfCall(run.crm, run.callId).length, 2);
    assertTask(taskOfCall(run.crm, run.callId, 'call-record'), { responsible: OLENA, status: 'completed', bindings: [`L_${idOf(created)}`, `C_${contactId}`] });
    const ownerTask = taskOfCall(run.crm, run.callId, 'contact-owner');
    assertTask(ownerTask, { responsible: PETRO, status: 'open', bindings: [`C_${contactId}`], descriptionIncludes: ['Olena Koval'] }, 'contact-owner task');
    assertDueAfterCall(run, ownerTask.DEADLINE, 3);
  });

  it('S3.2: contactOwnerTaskHours 5 → the contact owner\'s task is due 5 h after the call', async () => {
    const contactId = seedContact(fiveHours, '050 330 00 03', IRYNA);
    const run = await runCall(h, { projectId: fiveHours, clientNumber: '+380503300003', employee: { extension: '102' } });
    const created = only(run.crm.leads, 'lead');
    assert.equal(ownerOf(created), PETRO);
    const ownerTask = taskOfCall(run.crm, run.callId, 'contact-owner');
    assertTask(ownerTask, { responsible: IRYNA, status: 'open', bindings: [`C_${contactId}`] });
    assertDueAfterCall(run, ownerTask.DEADLINE, 5);
  });

  it('Contact, unbound line → the new lead and the completed record go to the contact\'s responsible; open settings task on the senior manager', async () => {
    const contactId = seedContact(lead, '050 330 00 04', PETRO);
    const run = await runCall(h, { projectId: lead, clientNumber: '+380503300004', employee: { extension: '555' } });
    const created = only(run.crm.leads, 'lead');
    assert.equal(ownerOf(created), PETRO);
    assert.equal(Number(created.CONTACT_ID), contactId);
    assert.equal(tasksOfCall(run.crm, run.callId).length, 2);
    assertTask(taskOfCall(run.crm, run.callId, 'call-record'), { responsible: PETRO, status: 'completed', bindings: [`L_${idOf(created)}`, `C_${contactId}`] });
    assertTask(taskOfCall(run.crm, run.callId, 'settings'), { responsible: SENIOR, status: 'open', titleMatches: /ext\. 555 is not bound/ });
  });

  it('S3.3: leadOnlyIfNoContact, answered by a colleague → no lead; one OPEN record on the contact\'s responsible bound to the contact', async () => {
    const contactId = seedContact(leadOnly, '050 330 00 05', PETRO);
    const run = await runCall(h, { projectId: leadOnly, clientNumber: '+380503300005', employee: { staffId: '101' } });
    assert.equal(run.crm.leads.length, 0, 'no lead');
    assert.equal(run.crm.deals.length, 0, 'no deal');
    assert.deepEqual(run.crm.contacts.map(idOf), [contactId]);
    assert.equal(run.result.outcome, 'task-on-contact');
    const record = only(tasksOfCall(run.crm, run.callId), 'task of the call');
    assertTask(record, {
      responsible: PETRO, status: 'open', bindings: [`C_${contactId}`], descriptionIncludes: [`https://records.example/${run.callId}.mp3`],
    });
  });

  it('S3.3: leadOnlyIfNoContact, answered by the contact\'s responsible → no lead; one COMPLETED record on him bound to the contact', async () => {
    const contactId = seedContact(leadOnly, '050 330 00 06', PETRO);
    const run = await runCall(h, { projectId: leadOnly, clientNumber: '+380503300006', employee: { staffId: '102' } });
    assert.equal(run.crm.leads.length, 0, 'no lead');
    const record = only(tasksOfCall(run.crm, run.callId), 'task of the call');
    assertTask(record, { responsible: PETRO, status: 'completed', bindings: [`C_${contactId}`] });
  });

  it('S3.1: entities deal+contact → a deal (not a lead) owned by the responsible, bound to the contact; record bound to deal and contact', async () => {
    const contactId = seedContact(dealContact, '050 330 00 07', IRYNA);
    const run = await runCall(h, { projectId: dealContact, clientNumber: '+380503300007', employee: { staffId: '103' } });
    assert.equal(run.crm.leads.length, 0, 'no lead');
    assert.deepEqual(run.crm.contacts.map(idOf), [contactId], 'no new contact');
    const deal = only(run.crm.deals, 'deal');
    assert.equal(ownerOf(deal), IRYNA);
    assert.equal(Number(deal.CONTACT_ID), contactId);
    assert.equal(String(deal.CATEGORY_ID), '0');
    assert.equal(run.result.outcome, 'deal-on-contact');
    assertTask(taskOfCall(run.crm, run.callId, 'call-record'), { responsible: IRYNA, status: 'completed', bindings: [`D_${idOf(deal)}`, `C_${contactId}`] });
  });

  it('B1: a contact stored as "098 123 45 67" is found for a call from +380981234567 → no new contact (lead+contact scenario)', async () => {
    const contactId = seedContact(leadContact, '098 123 45 67', PETRO);
    const run = await runCall(h, { projectId: leadContact, clientNumber: '+380981234567', employee: { staffId: '102' } });
    assert.deepEqual(run.crm.contacts.map(idOf), [contactId], 'the same person is one contact');
    assert.deepEqual(phonesOf(run.crm.contacts[0] ?? {}), ['098 123 45 67'], 'the stored number is left as typed');
    const created = only(run.crm.leads, 'lead');
    assert.equal(Number(created.CONTACT_ID), contactId, 'the new lead is bound to the existing contact');
    assert.equal(run.result.outcome, 'lead-on-contact');
  });

  it('B1: a contact stored as "+38 (063) 555-12-36" is found for a call from 0635551236', async () => {
    const contactId = seedContact(leadContact, '+38 (063) 555-12-36', OLENA);
    const run = await runCall(h, { projectId: leadContact, clientNumber: '0635551236', employee: { staffId: '101' } });
    assert.deepEqual(run.crm.contacts.map(idOf), [contactId], 'no duplicate contact');
    const created = only(run.crm.leads, 'lead');
    assert.equal(Number(created.CONTACT_ID), contactId);
    assertE164Phone(created, '+380635551236', 'lead');
  });
});
