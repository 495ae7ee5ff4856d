/** B9: the client's name and responsible on the caller's card in Ringostat Smart Phone (decisions/contact-card.ts). */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { cardResponsible, clientNameOf } from '../../decisions';
import type { CrmLookup } from '../../schemas/crm-plan';
import { contactClient, NEW, OLENA, openDeal, openLead, PETRO } from '../fixtures/decisions-world';

const AT = '2025-03-01T10:00:00+02:00';
const found: CrmLookup = { leads: [], deals: [], contacts: [{ id: 701, ownerId: OLENA, createdAt: AT, name: 'Ivan Franko' }, { id: 702, ownerId: OLENA, createdAt: AT }] };

void describe('the client\'s name on the card (B9)', () => {
  void test('B9: a Contact client: its contact\'s name', () => {
    assert.deepEqual(clientNameOf(found, contactClient(OLENA, 701)), { clientName: 'Ivan Franko' });
  });
  void test('B9: an Open client: the name of the contact its lead or deal is bound to', () => {
    assert.deepEqual(clientNameOf(found, openDeal(OLENA, 601, 701)), { clientName: 'Ivan Franko' });
  });
  void test('B9: no name: a new client, an open lead bound to no contact, a contact without a name', () => {
    assert.deepEqual(clientNameOf(found, NEW), {});
    assert.deepEqual(clientNameOf(found, openLead(OLENA)), {});
    assert.deepEqual(clientNameOf(found, contactClient(OLENA, 702)), {});
  });
});

void describe('the responsible on the card (B9)', () => {
  void test('B9: the call created something: the owner of what it created', () => {
    assert.equal(cardResponsible({ client: contactClient(OLENA), createdOwnerId: PETRO }), PETRO);
  });
  void test('B9: it created nothing: the client\'s responsible R (its open entity\'s or its contact\'s owner)', () => {
    assert.equal(cardResponsible({ client: openLead(OLENA) }), OLENA);
    assert.equal(cardResponsible({ client: contactClient(PETRO) }), PETRO);
  });
  void test('B9: a new client with nothing created, or no resolution at all: none', () => {
    assert.equal(cardResponsible({ client: NEW }), undefined);
    assert.equal(cardResponsible(undefined), undefined);
  });
});
