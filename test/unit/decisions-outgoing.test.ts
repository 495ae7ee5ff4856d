/** docs/decisions.md "Outgoing calls": S5.1–S5.3 — never creates; the record goes to whoever dialled. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { planEntities, planRecords } from '../../decisions';
import { answeredBy, CLIENT, contactClient, facts, NEW, OLENA, openDeal, openLead, PETRO, project, runCall, SENIOR } from '../fixtures/decisions-world';

const outgoing = (overrides = {}) => facts({ direction: 'outgoing', employee: answeredBy.petro, source: {}, ...overrides });

void describe('outgoing calls', () => {
  void test('row "New" — S5.2 nothing is written, whatever the outcome', () => {
    for (const disposition of ['answered', 'no_answer', 'busy'] as const) {
      const run = runCall({ facts: outgoing({ disposition }), client: NEW, project: project() });
      assert.equal(run.entities.skip, 'outgoing-new');
      assert.equal(run.entities.create, undefined);
      assert.deepEqual(run.records.tasks, []);
      assert.equal(run.records.outcome, 'nothing-outgoing-new');
    }
  });

  void test('S5.2 holds for every scenario.entities and createOn', () => {
    for (const entities of ['lead', 'contact', 'lead+contact', 'deal+contact'] as const) {
      for (const createOn of ['ringing', 'answer', 'completion'] as const) {
        for (const stage of ['ringing', 'answered', 'ended'] as const) {
          const plan = planEntities({ facts: outgoing(), client: NEW, project: project({ scenario: { entities, createOn } }), stage });
          assert.equal(plan.create, undefined, `${entities}/${createOn}/${stage}`);
        }
      }
    }
  });

  void test('row "Open" — S5.1 completed record on the caller, bound to the client\'s entity, with recording and status', () => {
    const run = runCall({ facts: outgoing(), client: openLead(OLENA), project: project() });
    assert.equal(run.entities.create, undefined);
    const record = run.tasks['call-record'];
    assert.equal(record?.responsibleId, PETRO);
    assert.equal(record?.status, 'completed');
    assert.deepEqual(record?.bindings, { leadId: 501 });
    assert.equal(record?.title, `Outgoing call to ${CLIENT}`);
    assert.match(record?.description ?? '', /Recording: https:\/\/rec/);
    assert.match(record?.description ?? '', /Status: ANSWERED/);
    assert.match(record?.description ?? '', /Dialled by: Petro Shevchenko/);
    assert.equal(run.records.outcome, 'task-on-existing');
  });

  void test('S5.1 an unanswered outgoing call is still a completed record; its status is in the title and body', () => {
    const plan = planRecords({ facts: outgoing({ disposition: 'no_answer', rawDisposition: 'NO ANSWER', talkSeconds: 0 }), client: openDeal(OLENA), project: project(), created: {} });
    assert.equal(plan.tasks.length, 1);
    assert.equal(plan.tasks[0]?.status, 'completed');
    assert.equal(plan.tasks[0]?.title, `Outgoing call to ${CLIENT} (NO ANSWER)`);
    assert.match(plan.tasks[0]?.description ?? '', /Status: NO ANSWER/);
    assert.deepEqual(plan.tasks[0]?.bindings, { dealId: 601 });
  });

  void test('S5.1 a caller on an unbound line: the record goes to S, no settings task', () => {
    const run = runCall({ facts: outgoing({ employee: answeredBy.unbound }), client: openLead(OLENA), project: project() });
    assert.equal(run.tasks['call-record']?.responsibleId, SENIOR);
    assert.equal(run.records.tasks.length, 1);
  });

  void test('row "Contact" — S5.3 no lead or deal; completed record on the caller bound to the contact', () => {
    for (const entities of ['lead', 'deal+contact'] as const) {
      const run = runCall({ facts: outgoing(), client: contactClient(OLENA), project: project({ scenario: { entities } }) });
      assert.equal(run.entities.create, undefined);
      assert.equal(run.tasks['call-record']?.responsibleId, PETRO);
      assert.equal(run.tasks['call-record']?.status, 'completed');
      assert.deepEqual(run.tasks['call-record']?.bindings, { contactId: 701 });
      assert.equal(run.records.outcome, 'task-on-contact');
    }
  });

  void test('S5.3 unbound caller to a contact: record on S', () => {
    const run = runCall({ facts: outgoing({ employee: undefined }), client: contactClient(OLENA), project: project() });
    assert.equal(run.tasks['call-record']?.responsibleId, SENIOR);
  });

  void test('S5 outgoing entity work happens only at call.ended, even with createOn ringing/answer', () => {
    const p = project({ scenario: { createOn: 'ringing' } });
    assert.deepEqual(planEntities({ facts: outgoing(), client: openLead(OLENA), project: p, stage: 'ringing' }), { fillEmpty: [] });
    assert.equal(runCall({ facts: outgoing(), client: openLead(OLENA), project: p }).stage, 'ended');
  });
});
