/** Folding a call's events into CallFacts: any order, duplicates, missing ringing/answered (R1). */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { answeredSeen, factsFromEvents } from '../../decisions';
import type { CallEvent } from '../../schemas/call-event';

const base = { schema: 'ringostat.call-event/v1', projectId: 'acme', callId: 'c-1', direction: 'incoming', clientNumber: '0931234567', lineNumber: '+380445550000' } as const;
const ringing: CallEvent = { ...base, eventId: 'e1', type: 'call.ringing', occurredAt: '2025-03-10T10:00:00+02:00', employee: { extension: '102' }, source: { utmSource: 'google', poolName: 'Ads' } };
const answered: CallEvent = { ...base, eventId: 'e2', type: 'call.answered', occurredAt: '2025-03-10T10:00:09+02:00', employee: { staffId: '101', name: 'Olena' } };
const ended: CallEvent = {
  ...base, eventId: 'e3', type: 'call.ended', occurredAt: '2025-03-10T10:03:00+02:00', disposition: 'answered', rawDisposition: 'PROPER',
  employee: { staffId: '101', sip: 'olena_sip' }, waitSeconds: 9, talkSeconds: 171, recordingUrl: 'https://rec.example/c-1.mp3',
  source: { utmSource: 'google', utmTerm: 'sofa', gaClientId: '1.2' }, extra: { adGroup: 'brand' },
};

void describe('factsFromEvents', () => {
  void test('the full sequence: disposition from call.ended, employee from answered/ended, times, source merged', () => {
    const facts = factsFromEvents([ringing, answered, ended], '+380931234567');
    assert.deepEqual(facts, {
      projectId: 'acme', callId: 'c-1', direction: 'incoming', clientNumber: '+380931234567', lineNumber: '+380445550000',
      employee: { staffId: '101', sip: 'olena_sip' }, internal: false, transferred: false,
      disposition: 'answered', rawDisposition: 'PROPER', waitSeconds: 9, talkSeconds: 171, recordingUrl: 'https://rec.example/c-1.mp3',
      source: { utmSource: 'google', poolName: 'Ads', utmTerm: 'sofa', gaClientId: '1.2' }, extra: { adGroup: 'brand' },
      startedAt: '2025-03-10T10:00:00+02:00', endedAt: '2025-03-10T10:03:00+02:00',
    });
  });

  void test('any order and duplicated events give the same facts (R1)', () => {
    const inOrder = factsFromEvents([ringing, answered, ended], '+380931234567');
    assert.deepEqual(factsFromEvents([ended, ringing, answered, ended, ringing], '+380931234567'), inOrder);
    assert.deepEqual(factsFromEvents([answered, ended, ringing], '+380931234567'), inOrder);
  });

  void test('call.ended alone (after-call webhook): startedAt is its time, everything else from it', () => {
    const facts = factsFromEvents([ended]);
    assert.equal(facts.startedAt, ended.occurredAt);
    assert.equal(facts.endedAt, ended.occurredAt);
    assert.equal(facts.disposition, 'answered');
    assert.equal(facts.clientNumber, '0931234567', 'raw number kept when no E.164 is given');
  });

  void test('startedAt is the earliest occurredAt, compared as instants across offsets', () => {
    const late = { ...ringing, occurredAt: '2025-03-10T08:59:00Z' }; // 10:59 in Kyiv: later than answered
    const early = { ...answered, occurredAt: '2025-03-10T07:59:00Z' };
    assert.equal(factsFromEvents([late, early, ended]).startedAt, '2025-03-10T07:59:00Z');
  });

  void test('before call.ended: no disposition, no endedAt; ringing does not name the answerer of an incoming call', () => {
    const facts = factsFromEvents([ringing]);
    assert.equal(facts.disposition, undefined);
    assert.equal(facts.endedAt, undefined);
    assert.equal(facts.employee, undefined);
    assert.deepEqual(factsFromEvents([ringing, answered]).employee, { staffId: '101', name: 'Olena' });
  });

  void test('outgoing: the dialler on call.ringing is the employee', () => {
    const dial = { ...ringing, direction: 'outgoing' as const, employee: { sip: 'petro_sip' } };
    assert.deepEqual(factsFromEvents([dial]).employee, { sip: 'petro_sip' });
  });

  void test('a missed call keeps no employee when the events carry none', () => {
    const missed: CallEvent = { ...base, eventId: 'e9', type: 'call.ended', occurredAt: '2025-03-10T10:01:00+02:00', disposition: 'no_answer' };
    const facts = factsFromEvents([ringing, missed]);
    assert.equal(facts.disposition, 'no_answer');
    assert.equal(facts.employee, undefined);
  });

  void test('internal and transferredFrom on any event mark the call (S7)', () => {
    assert.equal(factsFromEvents([ringing, { ...ended, internal: true }]).internal, true);
    assert.equal(factsFromEvents([{ ...answered, transferredFrom: { extension: '101' } }, ended]).transferred, true);
  });

  void test('no events is a programming error', () => {
    assert.throws(() => factsFromEvents([]), /at least one event/);
  });

  void test('answeredSeen tells whether call.answered arrived', () => {
    assert.equal(answeredSeen([ringing, ended]), false);
    assert.equal(answeredSeen([answered]), true);
  });
});

void test('an extra key named __proto__ stays data and never reaches the prototype', () => {
  const hostile = JSON.parse('{"__proto__": "x", "adGroup": "brand"}') as Record<string, string>;
  const facts = factsFromEvents([{ ...ended, extra: hostile }]);
  assert.equal(Object.getPrototypeOf(facts.extra), Object.prototype);
  assert.deepEqual(facts.extra, { adGroup: 'brand' });
});
