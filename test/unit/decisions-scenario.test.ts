/** Every scenario setting: entities ×4, createOn ×3, leadOnlyIfNoContact, contactOwnerTaskHours, missedNewClientAssignee. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { creationDueAt, missedCallAssignee, missedCallPool, planEntities, planRecords } from '../../decisions';
import {
  answeredBy, contactClient, facts, NEW, NEW_IDS, OLENA, openLead, PETRO, project, runCall, SENIOR,
} from '../fixtures/decisions-world';

void describe('scenario.entities (S1.1)', () => {
  const expected = {
    lead: { kinds: ['lead'], outcome: 'lead-created', bindings: { leadId: NEW_IDS.lead } },
    contact: { kinds: ['contact'], outcome: 'contact-created', bindings: { contactId: NEW_IDS.contact } },
    'lead+contact': { kinds: ['contact', 'lead'], outcome: 'lead-created', bindings: { leadId: NEW_IDS.lead, contactId: NEW_IDS.contact } },
    'deal+contact': { kinds: ['contact', 'deal'], outcome: 'deal-created', bindings: { dealId: NEW_IDS.deal, contactId: NEW_IDS.contact } },
  } as const;
  for (const [entities, want] of Object.entries(expected)) {
    void test(`S1.1 entities: ${entities} creates ${want.kinds.join(' + ')} owned by E; the record binds to all of them`, () => {
      const run = runCall({ facts: facts(), client: NEW, project: project({ scenario: { entities: entities as keyof typeof expected } }) });
      const create = run.entities.create;
      assert.deepEqual(['contact', 'lead', 'deal'].filter((k) => create?.[k as 'lead']), want.kinds);
      assert.equal(create?.ownerId, OLENA);
      assert.equal(run.records.outcome, want.outcome);
      assert.deepEqual(run.tasks['call-record']?.bindings, want.bindings);
    });
  }

  void test('S1.1 deal+contact: the deal goes to the pipeline chosen by S10, default 0', () => {
    const run = runCall({ facts: facts({ source: {} }), client: NEW, project: project({ scenario: { entities: 'deal+contact' } }) });
    assert.equal(run.entities.create?.deal?.categoryId, 0);
  });
});

void describe('scenario.createOn (docs/decisions.md "When things are created")', () => {
  void test('createOn answer (default): created at call.answered, not at ringing; owner E', () => {
    const p = project();
    assert.equal(p.scenario.createOn, 'answer');
    assert.deepEqual(planEntities({ facts: facts({ disposition: undefined }), client: NEW, project: p, stage: 'ringing' }), { fillEmpty: [] });
    const run = runCall({ facts: facts(), client: NEW, project: p });
    assert.equal(run.stage, 'answered');
    assert.equal(run.entities.create?.ownerId, OLENA);
  });

  void test('createOn answer: no call.answered event — everything at call.ended', () => {
    const run = runCall({ facts: facts(), client: NEW, project: project(), stages: ['ended'] });
    assert.equal(run.stage, 'ended');
    assert.equal(run.entities.create?.ownerId, OLENA);
    assert.equal(run.tasks['call-record']?.responsibleId, OLENA);
  });

  void test('createOn completion: nothing at ringing or answered; everything at call.ended', () => {
    const p = project({ scenario: { createOn: 'completion' } });
    assert.equal(creationDueAt('ringing', p.scenario, 'incoming'), false);
    assert.equal(creationDueAt('answered', p.scenario, 'incoming'), false);
    assert.deepEqual(planEntities({ facts: facts({ disposition: undefined }), client: NEW, project: p, stage: 'answered' }), { fillEmpty: [] });
    const run = runCall({ facts: facts(), client: NEW, project: p });
    assert.equal(run.stage, 'ended');
    assert.equal(run.entities.create?.ownerId, OLENA);
  });

  void test('createOn ringing — M4 a: created at call.ringing on S; the record still goes to the answerer', () => {
    const run = runCall({ facts: facts(), client: NEW, project: project({ scenario: { createOn: 'ringing' } }) });
    assert.equal(run.stage, 'ringing');
    assert.equal(run.entities.create?.ownerId, SENIOR);
    assert.equal(run.entities.create?.lead?.fields.ASSIGNED_BY_ID, SENIOR);
    assert.equal(run.tasks['call-record']?.responsibleId, OLENA);
    assert.deepEqual(run.tasks['call-record']?.bindings, { leadId: NEW_IDS.lead });
  });

  void test('createOn ringing: not reassigned — once created, a later stage creates nothing', () => {
    const p = project({ scenario: { createOn: 'ringing' } });
    const later = planEntities({ facts: facts(), client: NEW, project: p, stage: 'ended', created: { leadId: NEW_IDS.lead } });
    assert.equal(later.create, undefined);
  });

  void test('createOn ringing: a missed call created at ringing stays on S; the call-back task goes to M', () => {
    const p = project({ scenario: { createOn: 'ringing', missedNewClientAssignee: 'round-robin' } });
    const run = runCall({ facts: facts({ disposition: 'no_answer', employee: undefined }), client: NEW, project: p, missedAssigneeId: PETRO });
    assert.equal(run.entities.create?.ownerId, SENIOR);
    assert.equal(run.tasks['call-back']?.responsibleId, PETRO);
  });

  void test('createOn ringing: a missed call whose ringing event never came is created at the end on M (M4 b)', () => {
    const p = project({ scenario: { createOn: 'ringing', missedNewClientAssignee: 'round-robin' } });
    const run = runCall({ facts: facts({ disposition: 'busy', employee: undefined }), client: NEW, project: p, stages: ['ended'], missedAssigneeId: PETRO });
    assert.equal(run.entities.create?.ownerId, PETRO);
  });

  void test('createOn ringing: a Contact client gets its lead at ringing on S, bound to the contact', () => {
    const run = runCall({ facts: facts({ employee: answeredBy.petro }), client: contactClient(OLENA), project: project({ scenario: { createOn: 'ringing' } }) });
    assert.equal(run.entities.create?.ownerId, SENIOR);
    assert.equal(run.entities.create?.bindToContactId, 701);
    assert.equal(run.tasks['call-record']?.responsibleId, PETRO);
    assert.equal(run.tasks['contact-owner']?.responsibleId, OLENA);
  });

  void test('createOn answer: a Contact client whose call is missed gets no lead (S4.1)', () => {
    const run = runCall({ facts: facts({ disposition: 'no_answer', employee: undefined }), client: contactClient(OLENA), project: project() });
    assert.equal(run.entities.create, undefined);
  });
});

void describe('scenario.leadOnlyIfNoContact (S3.3)', () => {
  void test('S3.3 off: a contact gets a lead; on: it does not, and a New client still does', () => {
    assert.ok(runCall({ facts: facts(), client: contactClient(OLENA), project: project() }).entities.create?.lead);
    const on = project({ scenario: { leadOnlyIfNoContact: true } });
    assert.equal(runCall({ facts: facts(), client: contactClient(OLENA), project: on }).entities.create, undefined);
    assert.ok(runCall({ facts: facts(), client: NEW, project: on }).entities.create?.lead);
    assert.equal(runCall({ facts: facts(), client: openLead(OLENA), project: on }).records.outcome, 'task-on-existing');
  });
});

void describe('scenario.contactOwnerTaskHours (S3.2)', () => {
  const ownerTask = (hours: number | undefined, overrides = {}) => planRecords({
    facts: facts({ employee: answeredBy.petro, ...overrides }), client: contactClient(OLENA),
    project: project({ scenario: hours === undefined ? {} : { contactOwnerTaskHours: hours } }), created: { leadId: NEW_IDS.lead },
  }).tasks.find((t) => t.key === 'contact-owner');

  void test('S3.2 default 3 hours after the call ended, in the call\'s own offset', () => {
    assert.equal(ownerTask(undefined)?.deadline, '2025-03-10T13:03:00+02:00');
  });
  void test('S3.2 a custom number of hours (fractions allowed), across midnight', () => {
    assert.equal(ownerTask(1.5)?.deadline, '2025-03-10T11:33:00+02:00');
    assert.equal(ownerTask(24, { endedAt: '2025-03-10T23:30:00+02:00' })?.deadline, '2025-03-11T23:30:00+02:00');
  });
  void test('S3.2 no endedAt: counted from the start; a UTC time stays in UTC', () => {
    assert.equal(ownerTask(3, { endedAt: undefined, startedAt: '2025-03-10T08:00:00Z' })?.deadline, '2025-03-10T11:00:00Z');
  });
});

void describe('scenario.missedNewClientAssignee (S4.2)', () => {
  void test('S4.2 senior (default): M is the senior manager whatever the counter', () => {
    assert.equal(missedCallAssignee(project(), 0), SENIOR);
    assert.equal(missedCallAssignee(project(), 5), SENIOR);
  });

  void test('S4.2 round-robin: flagged employees in config order, cycling with the counter', () => {
    const p = project({ scenario: { missedNewClientAssignee: 'round-robin' } });
    assert.deepEqual(missedCallPool(p), [OLENA, PETRO]);
    assert.deepEqual([0, 1, 2, 3].map((n) => missedCallAssignee(p, n)), [OLENA, PETRO, OLENA, PETRO]);
    assert.equal(missedCallAssignee(p, -1), PETRO);
    assert.equal(missedCallAssignee(p, Number.NaN), OLENA);
  });

  void test('S4.2 round-robin with nobody flagged falls back to the senior manager', () => {
    const p = project({ scenario: { missedNewClientAssignee: 'round-robin' } });
    const none = { ...p, employees: p.employees.map((e) => ({ ...e, missedCallDistribution: false })) };
    assert.equal(missedCallAssignee(none, 3), SENIOR);
  });

  void test('S4.2 round-robin applies to missed New clients only; answered calls and existing clients ignore M', () => {
    const p = project({ scenario: { missedNewClientAssignee: 'round-robin' } });
    assert.equal(runCall({ facts: facts(), client: NEW, project: p, missedAssigneeId: PETRO }).entities.create?.ownerId, OLENA);
    const existing = runCall({ facts: facts({ disposition: 'no_answer', employee: undefined }), client: openLead(OLENA), project: p, missedAssigneeId: PETRO });
    assert.equal(existing.tasks['call-back']?.responsibleId, OLENA);
  });
});
