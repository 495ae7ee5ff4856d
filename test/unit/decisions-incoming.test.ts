/** docs/decisions.md "Incoming and callback calls", answered rows: S1.1–S1.5, S2.1–S2.4, S3.1–S3.3, M4. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  answeredBy, CLIENT, contactClient, facts, IRYNA, NEW, NEW_IDS, OLENA, openDeal, openLead, PETRO, project, runCall, SENIOR,
} from '../fixtures/decisions-world';

void describe('incoming answered, client New', () => {
  void test('row "answered | New | E bound" — S1.1 a lead is created at answer', () => {
    const run = runCall({ facts: facts(), client: NEW, project: project() });
    assert.equal(run.stage, 'answered');
    assert.ok(run.entities.create?.lead);
    assert.equal(run.entities.create?.contact, undefined);
    assert.equal(run.records.outcome, 'lead-created');
  });

  void test('S1.2 its responsible is the answerer', () => {
    const run = runCall({ facts: facts({ employee: answeredBy.petro }), client: NEW, project: project() });
    assert.equal(run.entities.create?.ownerId, PETRO);
    assert.equal(run.entities.create?.lead?.fields.ASSIGNED_BY_ID, PETRO);
  });

  void test('S1.3 it carries UTM/visit data and the mapped custom fields', () => {
    const fields = runCall({ facts: facts(), client: NEW, project: project() }).entities.create?.lead?.fields ?? {};
    assert.equal(fields.UTM_SOURCE, 'google');
    assert.equal(fields.UTM_TERM, 'buy sofa');
    assert.equal(fields.UF_CRM_RS_TERM, 'buy sofa');
    assert.equal(fields.UF_CRM_RS_GACID, '1234.5678');
    assert.match(String(fields.COMMENTS), /Landing page: https:\/\/acme\.example\/sofas/);
    assert.deepEqual(fields.PHONE, [{ VALUE: CLIENT, VALUE_TYPE: 'WORK' }]);
    assert.equal(fields.SOURCE_ID, 'CALL');
  });

  void test('S1.4 a completed call record on E, bound to the new lead, with recording and visit data', () => {
    const run = runCall({ facts: facts(), client: NEW, project: project() });
    const record = run.tasks['call-record'];
    assert.equal(run.records.tasks.length, 1);
    assert.equal(record?.responsibleId, OLENA);
    assert.equal(record?.status, 'completed');
    assert.deepEqual(record?.bindings, { leadId: NEW_IDS.lead });
    assert.match(record?.description ?? '', /Recording: https:\/\/rec\.ringostat\.example\/r\/call-1\.mp3/);
    assert.match(record?.description ?? '', /Direction: incoming/);
    assert.match(record?.description ?? '', new RegExp(`Client number: \\${CLIENT}`));
    assert.match(record?.description ?? '', /Status: ANSWERED/);
    assert.match(record?.description ?? '', /Duration: 2:35/);
    assert.match(record?.description ?? '', /GA client id: 1234\.5678/);
  });

  void test('row "answered | New | unbound" — S1.5 / M4: lead on S, record on S, settings task on S naming the line', () => {
    const run = runCall({ facts: facts({ employee: answeredBy.unbound }), client: NEW, project: project() });
    assert.equal(run.entities.create?.ownerId, SENIOR);
    assert.equal(run.tasks['call-record']?.responsibleId, SENIOR);
    assert.equal(run.tasks['call-record']?.status, 'completed');
    const settings = run.tasks.settings;
    assert.equal(settings?.responsibleId, SENIOR);
    assert.equal(settings?.status, 'open');
    assert.equal(settings?.title, 'Line SIP reception_2 is not bound to an employee: check the integration settings');
    assert.deepEqual(settings?.bindings, { leadId: NEW_IDS.lead });
    assert.equal(run.records.outcome, 'lead-created');
  });

  void test('S1.5 an answered call with no employee reported at all is unbound too', () => {
    const run = runCall({ facts: facts({ employee: undefined }), client: NEW, project: project() });
    assert.equal(run.entities.create?.ownerId, SENIOR);
    assert.match(run.tasks.settings?.title ?? '', /^Line \+380445550000 \(no employee reported\) is not bound/);
  });
});

void describe('incoming answered, client Open', () => {
  void test('row "answered | Open | E = R" — S2.1 nothing new is created', () => {
    const run = runCall({ facts: facts(), client: openLead(OLENA), project: project() });
    assert.equal(run.entities.create, undefined);
    assert.equal(run.records.outcome, 'task-on-existing');
  });

  void test('S2.2 answered by the responsible: one completed record on R bound to the lead', () => {
    const run = runCall({ facts: facts(), client: openLead(OLENA), project: project() });
    assert.equal(run.records.tasks.length, 1);
    assert.deepEqual(run.tasks['call-record'] && { ...run.tasks['call-record'], description: '' }, {
      key: 'call-record', responsibleId: OLENA, status: 'completed', title: `Incoming call from ${CLIENT}`, description: '', bindings: { leadId: 501 },
    });
  });

  void test('S2.2 an open deal works the same way: bound to the deal', () => {
    const run = runCall({ facts: facts(), client: openDeal(OLENA), project: project() });
    assert.deepEqual(run.tasks['call-record']?.bindings, { dealId: 601 });
  });

  void test('row "answered | Open | E ≠ R, bound" — S2.3 record on E, review task on R, both bound to the entity', () => {
    const run = runCall({ facts: facts({ employee: answeredBy.petro }), client: openDeal(OLENA), project: project() });
    assert.equal(run.tasks['call-record']?.responsibleId, PETRO);
    assert.equal(run.tasks['call-record']?.status, 'completed');
    assert.equal(run.tasks.review?.responsibleId, OLENA);
    assert.equal(run.tasks.review?.status, 'open');
    assert.match(run.tasks.review?.title ?? '', /^Review the call your colleague took/);
    assert.match(run.tasks.review?.description ?? '', /Petro Shevchenko answered/);
    assert.deepEqual(run.tasks.review?.bindings, { dealId: 601 });
    assert.deepEqual(run.tasks['call-record']?.bindings, { dealId: 601 });
    assert.equal(run.records.tasks.length, 2);
  });

  void test('row "answered | Open | unbound" — S2.4 record on R, settings task on S', () => {
    const run = runCall({ facts: facts({ employee: answeredBy.unbound }), client: openLead(OLENA), project: project() });
    assert.equal(run.tasks['call-record']?.responsibleId, OLENA);
    assert.equal(run.tasks['call-record']?.status, 'completed');
    assert.equal(run.tasks.settings?.responsibleId, SENIOR);
    assert.equal(run.tasks.review, undefined);
    assert.equal(run.entities.create, undefined);
  });
});

void describe('incoming answered, client Contact', () => {
  void test('row "answered | Contact | E = R" — S3.1 lead owned by R bound to the contact; record on R bound to both', () => {
    const run = runCall({ facts: facts(), client: contactClient(OLENA), project: project() });
    assert.equal(run.entities.create?.ownerId, OLENA);
    assert.equal(run.entities.create?.bindToContactId, 701);
    assert.ok(run.entities.create?.lead);
    assert.equal(run.entities.create?.contact, undefined);
    assert.equal(run.tasks['call-record']?.responsibleId, OLENA);
    assert.equal(run.tasks['call-record']?.status, 'completed');
    assert.deepEqual(run.tasks['call-record']?.bindings, { contactId: 701, leadId: NEW_IDS.lead });
    assert.equal(run.records.tasks.length, 1);
    assert.equal(run.records.outcome, 'lead-on-contact');
  });

  void test('S3.1 with entities deal+contact the contact gets a deal instead', () => {
    const run = runCall({ facts: facts(), client: contactClient(OLENA), project: project({ scenario: { entities: 'deal+contact' } }) });
    assert.ok(run.entities.create?.deal);
    assert.equal(run.entities.create?.lead, undefined);
    assert.deepEqual(run.tasks['call-record']?.bindings, { contactId: 701, dealId: NEW_IDS.deal });
    assert.equal(run.records.outcome, 'deal-on-contact');
  });

  void test('row "answered | Contact | E ≠ R, bound" — S3.2 lead on E, record on E, task on R due 3 h after the call', () => {
    const run = runCall({ facts: facts({ employee: answeredBy.petro }), client: contactClient(OLENA), project: project() });
    assert.equal(run.entities.create?.ownerId, PETRO);
    assert.equal(run.tasks['call-record']?.responsibleId, PETRO);
    const owner = run.tasks['contact-owner'];
    assert.equal(owner?.responsibleId, OLENA);
    assert.equal(owner?.status, 'open');
    assert.equal(owner?.deadline, '2025-03-10T13:03:00+02:00');
    assert.deepEqual(owner?.bindings, { contactId: 701 });
  });

  void test('row "answered | Contact | unbound" — lead on R, record on R, settings task on S', () => {
    const run = runCall({ facts: facts({ employee: answeredBy.unbound }), client: contactClient(OLENA), project: project() });
    assert.equal(run.entities.create?.ownerId, OLENA);
    assert.equal(run.tasks['call-record']?.responsibleId, OLENA);
    assert.equal(run.tasks.settings?.responsibleId, SENIOR);
    assert.equal(run.tasks['contact-owner'], undefined);
  });

  void test('row "answered | Contact | leadOnlyIfNoContact" — S3.3 no lead; completed record on R when R answered', () => {
    const run = runCall({ facts: facts(), client: contactClient(OLENA), project: project({ scenario: { leadOnlyIfNoContact: true } }) });
    assert.equal(run.entities.create, undefined);
    assert.equal(run.records.tasks.length, 1);
    assert.equal(run.tasks['call-record']?.responsibleId, OLENA);
    assert.equal(run.tasks['call-record']?.status, 'completed');
    assert.deepEqual(run.tasks['call-record']?.bindings, { contactId: 701 });
    assert.equal(run.records.outcome, 'task-on-contact');
  });

  void test('S3.3 whoever answered, the one record goes to R — open when a colleague took the call', () => {
    const run = runCall({ facts: facts({ employee: answeredBy.petro }), client: contactClient(IRYNA), project: project({ scenario: { leadOnlyIfNoContact: true } }) });
    assert.equal(run.records.tasks.length, 1);
    assert.equal(run.tasks['call-record']?.responsibleId, IRYNA);
    assert.equal(run.tasks['call-record']?.status, 'open');
  });

  void test('S3.3 with entities: contact behaves the same (no lead or deal for a contact)', () => {
    const run = runCall({ facts: facts({ employee: answeredBy.petro }), client: contactClient(OLENA), project: project({ scenario: { entities: 'contact' } }) });
    assert.equal(run.entities.create, undefined);
    assert.equal(run.tasks['call-record']?.responsibleId, OLENA);
    assert.equal(run.tasks['call-record']?.status, 'open');
  });

  void test('S3.3 unbound line: the record on R plus the settings task on S (M4 c)', () => {
    const run = runCall({ facts: facts({ employee: answeredBy.unbound }), client: contactClient(OLENA), project: project({ scenario: { leadOnlyIfNoContact: true } }) });
    assert.equal(run.tasks['call-record']?.status, 'open');
    assert.equal(run.tasks.settings?.responsibleId, SENIOR);
  });
});

void describe('callback calls are treated as incoming', () => {
  void test('S1.1 a callback from a new number creates a lead and a "Callback" record', () => {
    const run = runCall({ facts: facts({ direction: 'callback' }), client: NEW, project: project() });
    assert.ok(run.entities.create?.lead);
    assert.equal(run.entities.create?.lead?.fields.TITLE, `Callback ${CLIENT}`);
    assert.equal(run.tasks['call-record']?.title, `Callback call with ${CLIENT}`);
  });
});
