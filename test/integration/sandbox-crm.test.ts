/**
 * B6: the sandbox's legacy CRM methods behave like Bitrix24's — envelopes, string-typed values,
 * add/get/list/update, multifields, lead/deal semantics, select, filter prefixes, pagination.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startSandbox, type Sandbox } from '../../tools/sandbox';
import { freshPortal, rest } from '../../tools/sandbox/testing';

let sandbox: Sandbox;
before(async () => {
  sandbox = await startSandbox({ port: 0 });
});
after(async () => {
  await sandbox.stop();
});

void describe('envelopes and value types', () => {
  void test('add returns an int, get string-typed values, update true, with the time block', async () => {
    const { webhook } = freshPortal(sandbox);
    const added = await rest(webhook, 'crm.lead.add', { fields: { TITLE: 'Call', OPPORTUNITY: 15000, UF_CRM_RS_TERM: 'x', NOPE: 1 } });
    assert.equal(added.status, 200);
    assert.equal(typeof added.body.result, 'number');
    for (const key of ['start', 'finish', 'duration', 'processing', 'date_start', 'date_finish', 'operating_reset_at', 'operating']) {
      assert.ok(key in added.body.time, `time.${key}`);
    }
    assert.match(added.body.time.date_start, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/);

    const got = await rest(webhook, 'crm.lead.get', { id: added.body.result });
    const lead = got.body.result;
    assert.equal(lead.ID, String(added.body.result));
    assert.equal(lead.OPPORTUNITY, '15000.00');
    assert.equal(lead.ASSIGNED_BY_ID, '1', 'responsible defaults to the webhook user');
    assert.equal(lead.STATUS_ID, 'NEW');
    assert.equal(lead.STATUS_SEMANTIC_ID, 'P');
    assert.equal(lead.UF_CRM_RS_TERM, 'x', 'UF_CRM_* kept');
    assert.ok(!('NOPE' in lead), 'unknown fields dropped');
    assert.match(lead.DATE_CREATE, /[+-]\d{2}:\d{2}$/);
    assert.equal(got.body.total, undefined, 'get carries no total');

    const updated = await rest(webhook, 'crm.lead.update', { id: lead.ID, fields: { STATUS_ID: 'JUNK' } });
    assert.deepEqual(updated.body.result, true);
    const junk = (await rest(webhook, 'crm.lead.get', { ID: lead.ID })).body.result;
    assert.equal(junk.STATUS_SEMANTIC_ID, 'F');
    assert.notEqual(junk.DATE_CLOSED, null);
  });

  void test('legacy errors are HTTP 400 with an empty code', async () => {
    const { webhook } = freshPortal(sandbox);
    const missing = await rest(webhook, 'crm.deal.get', { id: 999 });
    assert.deepEqual([missing.status, missing.body], [400, { error: '', error_description: 'Not found' }]);
    const noId = await rest(webhook, 'crm.lead.get', { id: 'abc' });
    assert.deepEqual([noId.status, noId.body], [400, { error: '', error_description: 'ID is not defined or invalid.' }]);
    const contact = await rest(webhook, 'crm.contact.update', { id: 5, fields: { NAME: 'x' } });
    assert.equal(contact.body.error_description, 'Contact is not found');
    const badFields = await rest(webhook, 'crm.lead.add', { fields: 'TITLE' });
    assert.equal(badFields.body.error_description, "Parameter 'fields' must be array.");
  });

  void test('GET query strings and form bodies with PHP brackets work', async () => {
    const { webhook } = freshPortal(sandbox);
    const form = await fetch(`${webhook}crm.contact.add.json`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'fields[NAME]=Ivan&fields[PHONE][0][VALUE]=%2B380501112233&fields[PHONE][0][VALUE_TYPE]=MOBILE',
    });
    const id = ((await form.json()) as { result: number }).result;
    const got = await fetch(`${webhook}crm.contact.get?id=${id}`);
    const contact = ((await got.json()) as { result: Record<string, unknown> }).result;
    assert.equal(contact.NAME, 'Ivan');
    assert.deepEqual(contact.PHONE, [{ ID: '1', VALUE_TYPE: 'MOBILE', VALUE: '+380501112233', TYPE_ID: 'PHONE' }]);
    assert.equal(contact.HAS_PHONE, 'Y');
  });
});

void describe('multifields', () => {
  void test('update: ID edits, DELETE removes, no ID appends, others stay', async () => {
    const { webhook } = freshPortal(sandbox);
    const id = (await rest(webhook, 'crm.contact.add', { fields: { PHONE: [{ VALUE: '111', VALUE_TYPE: 'WORK' }, { VALUE: '222' }] } })).body.result;
    const before1 = (await rest(webhook, 'crm.contact.get', { id })).body.result.PHONE;
    assert.equal(before1.length, 2);
    await rest(webhook, 'crm.contact.update', {
      id,
      fields: { PHONE: [{ ID: before1[0].ID, VALUE: '333' }, { VALUE: '444', VALUE_TYPE: 'HOME' }] },
    });
    let phones = (await rest(webhook, 'crm.contact.get', { id })).body.result.PHONE;
    assert.deepEqual(phones.map((p: { VALUE: string }) => p.VALUE), ['333', '222', '444']);
    await rest(webhook, 'crm.contact.update', { id, fields: { PHONE: [{ ID: before1[1].ID, DELETE: 'Y' }] } });
    phones = (await rest(webhook, 'crm.contact.get', { id })).body.result.PHONE;
    assert.deepEqual(phones.map((p: { VALUE: string }) => p.VALUE), ['333', '444']);
  });

  void test('list returns PHONE only when named in select', async () => {
    const { webhook } = freshPortal(sandbox);
    await rest(webhook, 'crm.lead.add', { fields: { TITLE: 'a', PHONE: [{ VALUE: '1' }], UF_CRM_A: 'u' } });
    const plain = (await rest(webhook, 'crm.lead.list', {})).body.result[0];
    assert.ok(!('PHONE' in plain));
    assert.ok(!('UF_CRM_A' in plain), '"*" excludes user fields');
    const named = (await rest(webhook, 'crm.lead.list', { select: ['TITLE', 'PHONE', 'UF_*'] })).body.result[0];
    assert.deepEqual(Object.keys(named).sort(), ['ID', 'PHONE', 'TITLE', 'UF_CRM_A']);
  });
});

void describe('deals', () => {
  void test('pipeline defaults, stages with C{n}: prefix, semantics and CLOSED', async () => {
    const { webhook } = freshPortal(sandbox, { dealCategories: [{ id: 3, name: 'Новая' }] });
    const general = (await rest(webhook, 'crm.deal.add', { fields: { TITLE: 'g' } })).body.result;
    const other = (await rest(webhook, 'crm.deal.add', { fields: { TITLE: 'o', CATEGORY_ID: 3 } })).body.result;
    const g = (await rest(webhook, 'crm.deal.get', { id: general })).body.result;
    const o = (await rest(webhook, 'crm.deal.get', { id: other })).body.result;
    assert.deepEqual([g.CATEGORY_ID, g.STAGE_ID, g.CLOSED, g.STAGE_SEMANTIC_ID], ['0', 'NEW', 'N', 'P']);
    assert.deepEqual([o.CATEGORY_ID, o.STAGE_ID], ['3', 'C3:NEW']);
    await rest(webhook, 'crm.deal.update', { id: other, fields: { STAGE_ID: 'C3:WON' } });
    const won = (await rest(webhook, 'crm.deal.get', { id: other })).body.result;
    assert.deepEqual([won.STAGE_SEMANTIC_ID, won.CLOSED], ['S', 'Y']);
    const unknown = await rest(webhook, 'crm.deal.add', { fields: { CATEGORY_ID: 42 } });
    assert.equal(unknown.status, 400);
  });

  void test('crm.deal.contact.add binds once; first contact becomes CONTACT_ID', async () => {
    const { webhook } = freshPortal(sandbox);
    const contact = (await rest(webhook, 'crm.contact.add', { fields: { NAME: 'c' } })).body.result;
    const deal = (await rest(webhook, 'crm.deal.add', { fields: {} })).body.result;
    assert.equal((await rest(webhook, 'crm.deal.contact.add', { id: deal, fields: { CONTACT_ID: contact } })).body.result, true);
    assert.equal((await rest(webhook, 'crm.deal.contact.add', { id: deal, fields: { CONTACT_ID: contact } })).body.result, false);
    assert.equal((await rest(webhook, 'crm.deal.get', { id: deal })).body.result.CONTACT_ID, String(contact));
    const bad = await rest(webhook, 'crm.deal.contact.add', { id: deal, fields: {} });
    assert.equal(bad.body.error_description, "The parameter 'fields' is not valid.");
  });

  void test('crm.category.list includes pipeline 0; crm.status.list has stage semantics', async () => {
    const { webhook } = freshPortal(sandbox, { dealCategories: [{ id: 3, name: 'Новая' }] });
    const categories = (await rest(webhook, 'crm.category.list', { entityTypeId: 2 })).body.result.categories;
    assert.deepEqual(categories.map((c: { id: number }) => c.id).sort(), [0, 3]);
    assert.equal(categories.find((c: { id: number }) => c.id === 0).isDefault, 'Y');
    const stages = (await rest(webhook, 'crm.status.list', { filter: { ENTITY_ID: 'DEAL_STAGE_3' } })).body.result;
    assert.equal(stages.find((s: { STATUS_ID: string }) => s.STATUS_ID === 'C3:WON').SEMANTICS, 'S');
    const sources = (await rest(webhook, 'crm.status.list', { filter: { ENTITY_ID: 'SOURCE' } })).body.result;
    assert.ok(sources.some((s: { STATUS_ID: string }) => s.STATUS_ID === 'CALL'));
  });
});

void describe('lists', () => {
  void test('120 leads page as 50/50/20 with total and next; start -1 skips the count', async () => {
    const { portalId, webhook } = freshPortal(sandbox);
    for (let i = 0; i < 120; i++) sandbox.admin.seed(portalId, 'lead', { TITLE: `L${i}` });
    const p1 = (await rest(webhook, 'crm.lead.list', { order: { ID: 'ASC' } })).body;
    const p2 = (await rest(webhook, 'crm.lead.list', { order: { ID: 'ASC' }, start: 50 })).body;
    const p3 = (await rest(webhook, 'crm.lead.list', { order: { ID: 'ASC' }, start: 100 })).body;
    assert.deepEqual([p1.result.length, p1.total, p1.next], [50, 120, 50]);
    assert.deepEqual([p2.result.length, p2.total, p2.next], [50, 120, 100]);
    assert.deepEqual([p3.result.length, p3.total, 'next' in p3], [20, 120, false]);
    const fast = (await rest(webhook, 'crm.lead.list', { order: { ID: 'ASC' }, filter: { '>ID': 100 }, start: -1 })).body;
    assert.deepEqual([fast.result.length, fast.total, 'next' in fast], [20, 0, false]);
  });

  void test('filter prefixes on the fields the bridge uses', async () => {
    const { portalId, webhook } = freshPortal(sandbox);
    const a = sandbox.admin.seed(portalId, 'lead', { TITLE: 'Alpha call', ORIGINATOR_ID: 'ringostat', ORIGIN_ID: 'c-1', ASSIGNED_BY_ID: 7 });
    const b = sandbox.admin.seed(portalId, 'lead', { TITLE: 'Beta', STATUS_ID: 'CONVERTED', ASSIGNED_BY_ID: 8 });
    const c = sandbox.admin.seed(portalId, 'lead', { TITLE: 'Gamma call', STATUS_ID: 'JUNK', ASSIGNED_BY_ID: 7 });
    const ids = async (filter: Record<string, unknown>): Promise<number[]> =>
      (await rest(webhook, 'crm.lead.list', { filter, order: { ID: 'ASC' } })).body.result.map((r: { ID: string }) => Number(r.ID));
    assert.deepEqual(await ids({ ORIGIN_ID: 'c-1', ORIGINATOR_ID: 'ringostat' }), [a]);
    assert.deepEqual(await ids({ STATUS_SEMANTIC_ID: 'P' }), [a]);
    assert.deepEqual(await ids({ '!STATUS_SEMANTIC_ID': 'P' }), [b, c]);
    assert.deepEqual(await ids({ '!=STATUS_ID': 'JUNK' }), [a, b]);
    assert.deepEqual(await ids({ '@STATUS_ID': ['NEW', 'JUNK'] }), [a, c]);
    assert.deepEqual(await ids({ '>ID': a, '<=ID': c }), [b, c]);
    assert.deepEqual(await ids({ '>=ID': b, '<ID': c }), [b]);
    assert.deepEqual(await ids({ '%TITLE': 'CALL' }), [a, c]);
    assert.deepEqual(await ids({ ASSIGNED_BY_ID: 7 }), [a, c]);
    assert.deepEqual(await ids({ ID: [a, b] }), [a, b]);
    const desc = (await rest(webhook, 'crm.lead.list', { order: { ID: 'DESC' } })).body.result.map((r: { ID: string }) => Number(r.ID));
    assert.deepEqual(desc, [c, b, a]);
  });

  void test('deal filters: CLOSED, STAGE_SEMANTIC_ID, CONTACT_ID', async () => {
    const { portalId, webhook } = freshPortal(sandbox);
    const open = sandbox.admin.seed(portalId, 'deal', { CONTACT_ID: 5 });
    sandbox.admin.seed(portalId, 'deal', { CONTACT_ID: 5, STAGE_ID: 'LOSE' });
    const list = async (filter: Record<string, unknown>) => (await rest(webhook, 'crm.deal.list', { filter })).body.result;
    assert.deepEqual((await list({ CONTACT_ID: 5, CLOSED: 'N' })).map((d: { ID: string }) => d.ID), [String(open)]);
    assert.equal((await list({ STAGE_SEMANTIC_ID: 'F' })).length, 1);
  });
});

void describe('users', () => {
  void test('user.get: ACTIVE is boolean, ID string, filters by ACTIVE and ID; profile is the webhook user', async () => {
    const { webhook } = freshPortal(sandbox);
    const all = (await rest(webhook, 'user.get', {})).body;
    assert.equal(all.total, 4);
    const active = (await rest(webhook, 'user.get', { FILTER: { ACTIVE: true } })).body.result;
    assert.deepEqual(active.map((u: { ID: string }) => u.ID), ['1', '7', '8']);
    assert.equal(active[1].ACTIVE, true);
    assert.equal(active[1].UF_PHONE_INNER, '101');
    const one = (await rest(webhook, 'user.get', { ID: 9 })).body.result;
    assert.deepEqual([one.length, one[0].ACTIVE], [1, false]);
    const me = (await rest(webhook, 'profile')).body.result;
    assert.deepEqual([me.ID, me.ADMIN], ['1', true]);
  });
});
