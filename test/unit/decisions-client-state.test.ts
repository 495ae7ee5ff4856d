/** docs/decisions.md Terms: client state Open / Contact / New and the client's entity R. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { classifyClient } from '../../decisions';
import type { ClientState, CrmEntityRef, CrmLookup } from '../../schemas/crm-plan';

const at = (day: number) => `2025-03-${String(day).padStart(2, '0')}T10:00:00+02:00`;
const lead = (id: number, ownerId: number, day: number, semantic: 'P' | 'S' | 'F' = 'P', extra: Partial<CrmEntityRef> = {}): CrmEntityRef => ({ id, ownerId, createdAt: at(day), semantic, ...extra });
const deal = (id: number, ownerId: number, day: number, extra: Partial<CrmEntityRef> = {}): CrmEntityRef => ({ id, ownerId, createdAt: at(day), semantic: 'P', closed: false, contactId: 70, ...extra });
const contact = (id: number, ownerId: number, day: number): CrmEntityRef => ({ id, ownerId, createdAt: at(day) });
const entityOf = (state: ClientState) => (state.kind === 'open' ? state.entity : undefined);
const lookup = (parts: Partial<CrmLookup>): CrmLookup => ({ leads: [], deals: [], contacts: [], ...parts });

void describe('classifyClient', () => {
  void test('nothing found: New', () => {
    assert.deepEqual(classifyClient(lookup({})), { kind: 'new' });
  });

  void test('an open lead (semantic P): Open, entity the lead, R its owner', () => {
    assert.deepEqual(classifyClient(lookup({ leads: [lead(1, 7, 1)] })), { kind: 'open', entity: { type: 'lead', id: 1, ownerId: 7 } });
  });

  void test('converted (S) and junk (F) leads do not count; a contact makes the client Contact', () => {
    const state = classifyClient(lookup({ leads: [lead(1, 7, 1, 'S'), lead(2, 7, 2, 'F')], contacts: [contact(70, 9, 1)] }));
    assert.deepEqual(state, { kind: 'contact', contact: { id: 70, ownerId: 9 } });
  });

  void test('an open deal (not closed, semantic P): Open with the deal and its contact', () => {
    assert.deepEqual(classifyClient(lookup({ deals: [deal(5, 8, 1)], contacts: [contact(70, 9, 1)] })),
      { kind: 'open', entity: { type: 'deal', id: 5, ownerId: 8 }, contactId: 70 });
  });

  void test('closed deals (CLOSED Y or semantic S/F) do not count', () => {
    const state = classifyClient(lookup({ deals: [deal(5, 8, 1, { closed: true }), deal(6, 8, 2, { semantic: 'S' }), deal(7, 8, 3, { semantic: 'F', closed: true })] }));
    assert.deepEqual(state, { kind: 'new' });
  });

  void test('several of one kind: the most recently created (ties: higher id)', () => {
    assert.deepEqual(entityOf(classifyClient(lookup({ leads: [lead(1, 7, 5), lead(2, 8, 9), lead(3, 9, 7)] }))), { type: 'lead', id: 2, ownerId: 8 });
    assert.equal(entityOf(classifyClient(lookup({ leads: [lead(4, 7, 5), lead(3, 8, 5)] })))?.id, 4);
  });

  void test('routing.order decides between an open lead and an open deal; contact entries are skipped', () => {
    const both = lookup({ leads: [lead(1, 7, 1)], deals: [deal(5, 8, 9)] });
    assert.equal(entityOf(classifyClient(both))?.type, 'lead', 'default order: lead, deal, contact');
    assert.deepEqual(entityOf(classifyClient(both, ['contact', 'deal', 'lead'])), { type: 'deal', id: 5, ownerId: 8 });
    assert.deepEqual(entityOf(classifyClient(both, ['lead', 'contact', 'deal'])), { type: 'lead', id: 1, ownerId: 7 });
  });

  void test('a kind routing.order leaves out still makes the client Open (after the listed kinds)', () => {
    const state = classifyClient(lookup({ deals: [deal(5, 8, 1)] }), ['lead', 'contact']);
    assert.equal(state.kind, 'open');
  });

  void test('Contact: the newest contact and its owner', () => {
    assert.deepEqual(classifyClient(lookup({ contacts: [contact(70, 9, 1), contact(71, 7, 3), contact(72, 8, 2)] })),
      { kind: 'contact', contact: { id: 71, ownerId: 7 } });
  });

  void test('a lead without STATUS_SEMANTIC_ID is not treated as open', () => {
    assert.deepEqual(classifyClient(lookup({ leads: [{ id: 1, ownerId: 7, createdAt: at(1) }] })), { kind: 'new' });
  });
});
