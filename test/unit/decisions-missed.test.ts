/** docs/decisions.md missed and voicemail rows: S4.1, S4.2, S6.1, S6.2 (M4 b). */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { roundRobinDrawDue } from '../../decisions';
import type { Disposition } from '../../schemas/call-event';
import { CLIENT, contactClient, facts, NEW, NEW_IDS, OLENA, openDeal, openLead, PETRO, project, runCall, SENIOR } from '../fixtures/decisions-world';

const missedFacts = (disposition: Disposition) => facts({
  disposition, rawDisposition: disposition === 'no_answer' ? 'NO ANSWER' : disposition.toUpperCase(),
  employee: undefined, talkSeconds: 0, recordingUrl: undefined,
});
const voicemailFacts = () => facts({
  disposition: 'voicemail', rawDisposition: 'VOICEMAIL', employee: undefined, recordingUrl: 'https://rec.ringostat.example/vm/call-1.mp3',
});

void describe('missed: no_answer, busy, failed', () => {
  for (const disposition of ['no_answer', 'busy', 'failed'] as const) {
    void test(`row "${disposition} | Open" — S4.1 open call-back task on R bound to the client's entity, nothing created`, () => {
      const run = runCall({ facts: missedFacts(disposition), client: openLead(PETRO), project: project() });
      assert.equal(run.entities.create, undefined);
      assert.equal(run.records.tasks.length, 1);
      const task = run.tasks['call-back'];
      assert.equal(task?.responsibleId, PETRO);
      assert.equal(task?.status, 'open');
      assert.equal(task?.title, `Call the client back: ${CLIENT}`);
      assert.deepEqual(task?.bindings, { leadId: 501 });
      assert.equal(run.records.outcome, 'callback-task');
    });

    void test(`row "${disposition} | New" — S4.2 a lead owned by M (senior by default) with an open call-back task on M`, () => {
      const run = runCall({ facts: missedFacts(disposition), client: NEW, project: project() });
      assert.equal(run.stage, 'ended');
      assert.equal(run.entities.create?.ownerId, SENIOR);
      assert.equal(run.entities.create?.lead?.fields.TITLE, `Missed call ${CLIENT}`);
      assert.equal(run.tasks['call-back']?.responsibleId, SENIOR);
      assert.equal(run.tasks['call-back']?.status, 'open');
      assert.deepEqual(run.tasks['call-back']?.bindings, { leadId: NEW_IDS.lead });
      assert.equal(run.records.outcome, 'lead-created');
    });
  }

  void test('row "no_answer | Contact" — S4.1 call-back task on the contact\'s owner, bound to the contact, no lead', () => {
    const run = runCall({ facts: missedFacts('no_answer'), client: contactClient(OLENA), project: project() });
    assert.equal(run.entities.create, undefined);
    assert.equal(run.tasks['call-back']?.responsibleId, OLENA);
    assert.deepEqual(run.tasks['call-back']?.bindings, { contactId: 701 });
  });

  void test('S4.1 open deal: bound to the deal; the description says the status', () => {
    const run = runCall({ facts: missedFacts('busy'), client: openDeal(OLENA), project: project() });
    assert.deepEqual(run.tasks['call-back']?.bindings, { dealId: 601 });
    assert.match(run.tasks['call-back']?.description ?? '', /Missed call \(BUSY\)/);
  });

  void test('S4.2 with round-robin, M is the missed-call assignee the workflow picked', () => {
    const run = runCall({ facts: missedFacts('no_answer'), client: NEW, project: project({ scenario: { missedNewClientAssignee: 'round-robin' } }), missedAssigneeId: PETRO });
    assert.equal(run.entities.create?.ownerId, PETRO);
    assert.equal(run.tasks['call-back']?.responsibleId, PETRO);
  });
});

void describe('voicemail', () => {
  void test('row "voicemail | New" — S6.1 lead on M, open call-back task on M with the voicemail link', () => {
    const run = runCall({ facts: voicemailFacts(), client: NEW, project: project() });
    assert.equal(run.entities.create?.ownerId, SENIOR);
    assert.equal(run.entities.create?.lead?.fields.TITLE, `Voicemail ${CLIENT}`);
    const task = run.tasks['call-back'];
    assert.equal(task?.responsibleId, SENIOR);
    assert.equal(task?.status, 'open');
    assert.equal(task?.title, `Call the client back: voicemail from ${CLIENT}`);
    assert.match(task?.description ?? '', /left a voicemail: https:\/\/rec\.ringostat\.example\/vm\/call-1\.mp3/);
    assert.match(task?.description ?? '', /Voicemail recording: https:\/\/rec/);
    assert.deepEqual(task?.bindings, { leadId: NEW_IDS.lead });
  });

  void test('row "voicemail | Open" — S6.2 call-back task on R with the voicemail link, bound to the entity', () => {
    const run = runCall({ facts: voicemailFacts(), client: openDeal(PETRO), project: project() });
    assert.equal(run.entities.create, undefined);
    assert.equal(run.tasks['call-back']?.responsibleId, PETRO);
    assert.match(run.tasks['call-back']?.description ?? '', /vm\/call-1\.mp3/);
    assert.deepEqual(run.tasks['call-back']?.bindings, { dealId: 601 });
    assert.equal(run.records.outcome, 'callback-task');
  });

  void test('row "voicemail | Contact" — S6.2 call-back task on the contact\'s owner, bound to the contact', () => {
    const run = runCall({ facts: voicemailFacts(), client: contactClient(OLENA), project: project() });
    assert.equal(run.entities.create, undefined);
    assert.equal(run.tasks['call-back']?.responsibleId, OLENA);
    assert.deepEqual(run.tasks['call-back']?.bindings, { contactId: 701 });
  });
});

void describe('S4.2: the call draws M itself at its end only when its resolution could not', () => {
  const roundRobin = project({ scenario: { missedNewClientAssignee: 'round-robin' } });
  void test('S4.2: a missed call from a New client, resolved before it was missed (no draw yet): draw now', () => {
    assert.equal(roundRobinDrawDue(roundRobin, { client: NEW }, missedFacts('no_answer')), true);
  });
  void test('S4.2: the resolution drew M already: no second draw', () => {
    assert.equal(roundRobinDrawDue(roundRobin, { client: NEW, missedAssigneeId: PETRO }, missedFacts('no_answer')), false);
  });
  void test('S4.2: no draw for an answered call, an existing client, the senior default, or a call never resolved', () => {
    assert.equal(roundRobinDrawDue(roundRobin, { client: NEW }, facts()), false);
    assert.equal(roundRobinDrawDue(roundRobin, { client: openLead(OLENA) }, missedFacts('busy')), false);
    assert.equal(roundRobinDrawDue(project(), { client: NEW }, missedFacts('no_answer')), false);
    assert.equal(roundRobinDrawDue(roundRobin, undefined, missedFacts('no_answer')), false);
  });
});
