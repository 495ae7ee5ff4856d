/** Entity fields: M5 (UTM and visit data), S8 (fill empty on existing), S9 (custom fields), S10 (pipelines). */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { customFieldValues, newEntityFields, paramValue, pipelineCategory, planEntities } from '../../decisions';
import { CLIENT, contactClient, facts, NEW, OLENA, openDeal, openLead, project, runCall } from '../fixtures/decisions-world';

void describe('M5 UTM and visit data', () => {
  void test('M5 every UTM field, and the visit data in COMMENTS and the pool/line in SOURCE_DESCRIPTION', () => {
    const fields = newEntityFields('lead', facts(), project(), OLENA);
    assert.deepEqual(
      [fields.UTM_SOURCE, fields.UTM_MEDIUM, fields.UTM_CAMPAIGN, fields.UTM_CONTENT, fields.UTM_TERM],
      ['google', 'cpc', 'spring', 'ad-1', 'buy sofa'],
    );
    const comments = String(fields.COMMENTS);
    for (const line of ['Number pool: Контекстная реклама', 'Landing page: https://acme.example/sofas', 'Referrer: https://www.google.com/',
      'GA client id: 1234.5678', 'gclid: Cj0KCQ', 'UTM: source=google, medium=cpc, campaign=spring, content=ad-1, term=buy sofa']) {
      assert.ok(comments.includes(line), line);
    }
    assert.equal(fields.SOURCE_DESCRIPTION, 'Ringostat: pool "Контекстная реклама", line +380445550000');
    assert.equal(fields.TITLE, `Incoming call ${CLIENT}`);
  });

  void test('M5 absent source data leaves the UTM fields out (never blanks) and titles stay readable', () => {
    const fields = newEntityFields('lead', facts({ source: {}, lineNumber: undefined }), project(), OLENA);
    assert.equal('UTM_SOURCE' in fields, false);
    assert.equal(fields.SOURCE_DESCRIPTION, 'Ringostat call');
    assert.equal(fields.COMMENTS, `Ringostat incoming call from ${CLIENT}`);
  });

  void test('M5 the call record carries the visit data too (S1.4)', () => {
    const description = runCall({ facts: facts(), client: NEW, project: project() }).tasks['call-record']?.description ?? '';
    assert.match(description, /Landing page: https:\/\/acme\.example\/sofas/);
    assert.match(description, /Number pool: Контекстная реклама/);
  });

  void test('M5 a new contact has the phone, NAME, source and UTM; a deal has no PHONE (its contact holds it)', () => {
    const contact = newEntityFields('contact', facts(), project(), OLENA);
    assert.equal(contact.NAME, CLIENT);
    assert.deepEqual(contact.PHONE, [{ VALUE: CLIENT, VALUE_TYPE: 'WORK' }]);
    assert.equal(contact.UTM_CAMPAIGN, 'spring');
    const deal = newEntityFields('deal', facts(), project(), OLENA);
    assert.equal('PHONE' in deal, false);
    assert.equal(deal.SOURCE_ID, 'CALL');
  });
});

void describe('S9 custom fields', () => {
  void test('S9 every kind of parameter: a source field, lineNumber, direction and an extra key', () => {
    const fields = newEntityFields('lead', facts({ extra: { adGroup: 'sofas' } }), project(), OLENA);
    assert.equal(fields.UF_CRM_RS_TERM, 'buy sofa');
    assert.equal(fields.UF_CRM_RS_GACID, '1234.5678');
    assert.equal(fields.UF_CRM_RS_LINE, '+380445550000');
    assert.equal(fields.UF_CRM_RS_DIR, 'incoming');
    assert.equal(fields.UF_CRM_RS_ADGROUP, 'sofas');
  });

  void test('S9 each entity uses its own map', () => {
    assert.equal(newEntityFields('deal', facts(), project(), OLENA).UF_CRM_RS_POOL, 'Контекстная реклама');
    assert.equal(newEntityFields('deal', facts(), project(), OLENA).UF_CRM_RS_TERM, undefined);
    assert.equal(newEntityFields('contact', facts(), project(), OLENA).UF_CRM_RS_CONTACT_GACID, '1234.5678');
  });

  void test('S9 a parameter the call does not have (or has empty) is left out', () => {
    assert.deepEqual(customFieldValues(facts({ source: { utmTerm: '' }, extra: {} }), { utmTerm: 'UF_CRM_A', nope: 'UF_CRM_B', toString: 'UF_CRM_C' }), {});
    assert.equal(paramValue(facts(), 'constructor'), undefined);
  });
});

void describe('S10 pipelines', () => {
  void test('S10 the first matching rule chooses the category of a new deal', () => {
    const run = runCall({ facts: facts({ extra: { adGroup: 'brand' } }), client: NEW, project: project({ scenario: { entities: 'deal+contact' } }) });
    assert.equal(run.entities.create?.deal?.categoryId, 3);
    assert.equal(run.entities.create?.deal?.fields.CATEGORY_ID, 3);
  });

  void test('S10 a later rule applies when the earlier ones do not match', () => {
    assert.equal(pipelineCategory(facts({ source: { poolName: 'SEO' }, extra: { adGroup: 'brand' } }), project().pipelines), 5);
  });

  void test('S10 no rule matches: the default pipeline 0', () => {
    assert.equal(pipelineCategory(facts({ source: { poolName: 'SEO' } }), project().pipelines), 0);
    assert.equal(pipelineCategory(facts(), []), 0);
  });

  void test('S10 rules compare the exact value (no partial or case-insensitive match)', () => {
    assert.equal(pipelineCategory(facts({ source: { poolName: 'контекстная реклама' } }), project().pipelines), 0);
  });
});

void describe('S8 writing to an entity another integration created', () => {
  void test('S8 an open lead gets its empty UTM and mapped custom fields filled, nothing created', () => {
    const plan = planEntities({ facts: facts(), client: openLead(OLENA), project: project(), stage: 'answered' });
    assert.equal(plan.create, undefined);
    assert.deepEqual(plan.fillEmpty, [{
      entity: { type: 'lead', id: 501 },
      fields: {
        UTM_SOURCE: 'google', UTM_MEDIUM: 'cpc', UTM_CAMPAIGN: 'spring', UTM_CONTENT: 'ad-1', UTM_TERM: 'buy sofa',
        UF_CRM_RS_TERM: 'buy sofa', UF_CRM_RS_GACID: '1234.5678', UF_CRM_RS_LINE: '+380445550000', UF_CRM_RS_DIR: 'incoming', UF_CRM_RS_ADGROUP: 'generic',
      },
    }]);
  });

  void test('S8 an open deal uses the deal map; a contact uses the contact map', () => {
    const deal = planEntities({ facts: facts(), client: openDeal(OLENA), project: project(), stage: 'ended' }).fillEmpty[0];
    assert.deepEqual(deal?.entity, { type: 'deal', id: 601 });
    assert.equal(deal?.fields.UF_CRM_RS_POOL, 'Контекстная реклама');
    const contact = planEntities({ facts: facts(), client: contactClient(OLENA), project: project(), stage: 'ended' }).fillEmpty[0];
    assert.deepEqual(contact?.entity, { type: 'contact', id: 701 });
    assert.equal(contact?.fields.UF_CRM_RS_CONTACT_GACID, '1234.5678');
  });

  void test('S8 outgoing and missed calls to an existing client fill too; a call with no data fills nothing', () => {
    assert.equal(planEntities({ facts: facts({ direction: 'outgoing' }), client: openLead(OLENA), project: project(), stage: 'ended' }).fillEmpty.length, 1);
    assert.equal(planEntities({ facts: facts({ disposition: 'no_answer' }), client: openLead(OLENA), project: project(), stage: 'ended' }).fillEmpty.length, 1);
    const bare = facts({ source: {}, extra: {}, lineNumber: undefined });
    const noMaps = project({ customFields: { lead: {}, deal: {}, contact: {} } });
    assert.deepEqual(planEntities({ facts: bare, client: openLead(OLENA), project: noMaps, stage: 'ended' }).fillEmpty, []);
  });

  void test('S8 a new client has nothing to fill: its entity is created with every field', () => {
    assert.deepEqual(planEntities({ facts: facts(), client: NEW, project: project(), stage: 'ended' }).fillEmpty, []);
  });
});
