/** B2, R1: a retried creation tells this call's own earlier work from the client it found (decisions/own-entities.ts). */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { entityMarker, markedForCall } from '../../activities/markers';
import { clientStateForCall, stateBehindOwn, withoutOwn } from '../../decisions';
import type { CrmEntityRef, CrmLookup } from '../../schemas/crm-plan';

const AT = '2025-03-01T10:00:00+02:00';
const isOwn = markedForCall('p1', 'call-1');
const own = (kind: string) => ({ origin: entityMarker('p1', 'call-1', kind) });
const contact = (id: number, ownerId: number, extra: Partial<CrmEntityRef> = {}): CrmEntityRef => ({ id, ownerId, createdAt: AT, ...extra });
const lead = (id: number, ownerId: number, extra: Partial<CrmEntityRef> = {}): CrmEntityRef => ({ id, ownerId, createdAt: AT, semantic: 'P', ...extra });
const deal = (id: number, ownerId: number, extra: Partial<CrmEntityRef> = {}): CrmEntityRef => ({ id, ownerId, createdAt: AT, semantic: 'P', closed: false, ...extra });
const lookup = (parts: Partial<CrmLookup>): CrmLookup => ({ leads: [], deals: [], contacts: [], ...parts });
const ORDER = ['lead', 'deal', 'contact'] as const;

void describe('what is this call\'s own (R1 markers)', () => {
  void test('R1: an entity marked for this call, of any kind, is its own', () => {
    assert.equal(isOwn(contact(1, 7, own('contact'))), true);
    assert.equal(isOwn(lead(2, 7, own('lead'))), true);
  });
  void test('R1: unmarked, marked for another call, or by another project: not its own', () => {
    assert.equal(isOwn(contact(1, 7)), false);
    assert.equal(isOwn(contact(1, 7, { origin: entityMarker('p1', 'call-10', 'contact') })), false, 'a call id that merely starts the same');
    assert.equal(isOwn(contact(1, 7, { origin: entityMarker('p2', 'call-1', 'contact') })), false);
  });
});

void describe('the state an earlier attempt created for (B2, R1)', () => {
  void test('B2: nothing of this call\'s in the CRM: undefined, the lookup decides', () => {
    assert.equal(stateBehindOwn(lookup({ leads: [lead(2, 7)], contacts: [contact(1, 7)] }), isOwn), undefined);
  });
  void test('B2: a contact of its own: the client was new', () => {
    assert.deepEqual(stateBehindOwn(lookup({ contacts: [contact(1, 7, own('contact'))], leads: [lead(2, 7, { contactId: 1, ...own('lead') })] }), isOwn), { kind: 'new' });
  });
  void test('B2, S3: its own lead bound to someone else\'s contact: the client was that contact', () => {
    const found = lookup({ contacts: [contact(1, 9)], leads: [lead(2, 7, { contactId: 1, ...own('lead') })] });
    assert.deepEqual(stateBehindOwn(found, isOwn), { kind: 'contact', contact: { id: 1, ownerId: 9 } });
  });
  void test('B2, S3: its own deal bound to someone else\'s contact: that contact too', () => {
    const found = lookup({ contacts: [contact(1, 9)], deals: [deal(3, 7, { contactId: 1, ...own('deal') })] });
    assert.deepEqual(stateBehindOwn(found, isOwn), { kind: 'contact', contact: { id: 1, ownerId: 9 } });
  });
  void test('B2: its own lead bound to nothing: the client was new', () => {
    assert.deepEqual(stateBehindOwn(lookup({ leads: [lead(2, 7, own('lead'))] }), isOwn), { kind: 'new' });
  });
});

void describe('the client state a call decides on (B2)', () => {
  void test('B2: the lookup without the call\'s own entities keeps everyone else\'s', () => {
    const others = { leads: [lead(2, 7)], deals: [deal(3, 7)], contacts: [contact(1, 9)] };
    const found = lookup({
      leads: [...others.leads, lead(4, 7, own('lead'))], deals: [...others.deals, deal(5, 7, own('deal'))], contacts: [...others.contacts, contact(6, 7, own('contact'))],
    });
    assert.deepEqual(withoutOwn(found, isOwn), others);
  });
  void test('B2, R1: a retry that finds its own open lead and contact decides New again, not Open on its own lead', () => {
    const found = lookup({ contacts: [contact(1, 7, own('contact'))], leads: [lead(2, 7, { contactId: 1, ...own('lead') })] });
    assert.deepEqual(clientStateForCall(found, isOwn, ORDER), { kind: 'new' });
  });
  void test('B2: without anything of its own, the client is what others made (another call\'s open lead: Open)', () => {
    const found = lookup({ contacts: [contact(1, 7)], leads: [lead(2, 7, { contactId: 1 })] });
    assert.deepEqual(clientStateForCall(found, isOwn, ORDER), { kind: 'open', entity: { type: 'lead', id: 2, ownerId: 7 }, contactId: 1 });
  });
  void test('B2: the state behind its own work wins over what appeared since', () => {
    const found = lookup({ contacts: [contact(1, 9)], leads: [lead(2, 7, { contactId: 1, ...own('lead') }), lead(8, 8, { contactId: 1 })] });
    assert.deepEqual(clientStateForCall(found, isOwn, ORDER), { kind: 'contact', contact: { id: 1, ownerId: 9 } });
  });
});
