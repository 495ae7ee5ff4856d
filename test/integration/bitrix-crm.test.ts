/**
 * CRM helpers against the sandbox: the phone-variant lookup (B1), idempotent creates (M6, R1),
 * fill-empty-only updates (S8), call-record tasks, and the activation check (M3).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startSandbox } from '../../tools/sandbox';
import { createBitrixClient } from '../../bitrix/client';
import { checkWebhook, createEntity, createTask, fillEmptyFields, listActiveUsers, lookupByPhone } from '../../bitrix/crm';
import { BitrixTokenInvalidError, BitrixTransientError } from '../../bitrix/errors';
import { parseWebhookUrl } from '../../bitrix/webhook-url';

type Sandbox = Awaited<ReturnType<typeof startSandbox>>;

void describe('bitrix CRM helpers against the sandbox', () => {
  let sb: Sandbox;
  let n = 0;
  before(async () => {
    sb = await startSandbox();
  });
  after(async () => {
    await sb?.stop();
  });

  function portal(autoBatch = false) {
    const id = `crm-${process.pid}-${++n}`;
    sb.admin.createPortal({
      id,
      users: [
        { id: 1, name: 'Admin' },
        { id: 7, name: 'Olena', extension: '101' },
        { id: 8, name: 'Petro', extension: '102', active: false },
      ],
      rateLimit: { enabled: false, perSecond: 2, burst: 50 },
    });
    const url = sb.admin.createWebhook(id, 1);
    return { id, url, client: createBitrixClient({ webhook: parseWebhookUrl(url), rateLimit: false, autoBatch }), log: () => sb.admin.requestLog(id) };
  }
  const phone = (value: string) => [{ VALUE: value, VALUE_TYPE: 'WORK' }];

  void describe('lookupByPhone (B1)', () => {
    void it('finds the contact stored as "098 123 45 67" for a +380981234567 call, with its deals', async () => {
      const p = portal();
      const contact = sb.admin.seed(p.id, 'contact', { NAME: 'Iryna', PHONE: phone('098 123 45 67'), ASSIGNED_BY_ID: 7 });
      const other = sb.admin.seed(p.id, 'contact', { NAME: 'Other', PHONE: phone('+380671112233'), ASSIGNED_BY_ID: 7 });
      const open = sb.admin.seed(p.id, 'deal', { TITLE: 'open', CONTACT_ID: contact, ASSIGNED_BY_ID: 7 });
      const won = sb.admin.seed(p.id, 'deal', { TITLE: 'won', CONTACT_ID: contact, ASSIGNED_BY_ID: 1, STAGE_ID: 'WON' });
      sb.admin.seed(p.id, 'deal', { TITLE: 'not theirs', CONTACT_ID: other });
      const lead = sb.admin.seed(p.id, 'lead', { TITLE: 'web form', PHONE: phone('380981234567'), ASSIGNED_BY_ID: 7, CONTACT_ID: contact });

      const found = await lookupByPhone(p.client, '+380981234567', 'UA');
      assert.deepEqual(found.contacts.map((c) => [c.id, c.ownerId]), [[contact, 7]]);
      assert.deepEqual(found.leads.map((l) => [l.id, l.ownerId, l.semantic, l.contactId]), [[lead, 7, 'P', contact]]);
      const deals = new Map(found.deals.map((d) => [d.id, d]));
      assert.deepEqual([...deals.keys()].sort((a, b) => a - b), [open, won].sort((a, b) => a - b));
      assert.equal(deals.get(open)?.closed, false);
      assert.equal(deals.get(open)?.semantic, 'P');
      assert.equal(deals.get(won)?.closed, true);
      assert.equal(deals.get(won)?.semantic, 'S');
      assert.ok(found.contacts[0]?.createdAt, 'DATE_CREATE is read');
      assert.ok(p.log().length <= 2, `${p.log().length} HTTP requests`);
    });

    void it('20+ leads on one number do not hide the contact', async () => {
      const p = portal();
      for (let i = 0; i < 25; i += 1) sb.admin.seed(p.id, 'lead', { TITLE: `old ${i}`, PHONE: phone('+380501234567'), STATUS_ID: 'JUNK' });
      const contact = sb.admin.seed(p.id, 'contact', { NAME: 'Real', PHONE: phone('050 123 45 67') });
      const found = await lookupByPhone(p.client, '+380501234567', 'UA');
      assert.deepEqual(found.contacts.map((c) => c.id), [contact]);
      assert.ok(found.leads.length >= 20);
      assert.ok(found.leads.every((l) => l.semantic === 'F'));
    });

    void it('a number the CRM does not hold → empty lookup', async () => {
      const p = portal(true);
      assert.deepEqual(await lookupByPhone(p.client, '+380991112233', 'UA'), { leads: [], deals: [], contacts: [] });
    });
  });

  void describe('createEntity (M6, R1)', () => {
    const marker = { originatorId: 'ringostat-bridge:acme', originId: 'call-1:lead' };

    void it('called twice with one marker → one lead', async () => {
      const p = portal();
      const fields = { TITLE: 'Call from +380981234567', PHONE: phone('+380981234567'), SOURCE_ID: 'CALL', ASSIGNED_BY_ID: 7 };
      const first = await createEntity(p.client, 'lead', fields, marker);
      const second = await createEntity(p.client, 'lead', fields, marker);
      assert.equal(second, first);
      const leads = sb.admin.state(p.id).leads;
      assert.equal(leads.length, 1);
      assert.equal(leads[0]?.ORIGINATOR_ID, marker.originatorId);
      assert.equal(leads[0]?.ORIGIN_ID, marker.originId);
      assert.notEqual(await createEntity(p.client, 'lead', fields, { ...marker, originId: 'call-2:lead' }), first);
    });

    void it('a create whose answer was lost is not doubled by the retry', async () => {
      const p = portal();
      const client = createBitrixClient({ webhook: parseWebhookUrl(p.url), rateLimit: false, timeoutMs: 300 });
      sb.admin.setFaults(p.id, [{ method: 'crm.lead.add', lostResponseRate: 1 }]);
      const lost = { ...marker, originId: 'call-lost:lead' };
      await assert.rejects(createEntity(client, 'lead', { TITLE: 'lost answer' }, lost), (e: unknown) => e instanceof BitrixTransientError);
      assert.equal(sb.admin.state(p.id).leads.length, 1, 'the add did happen');
      sb.admin.setFaults(p.id, []);
      const id = await createEntity(client, 'lead', { TITLE: 'lost answer' }, lost);
      assert.equal(sb.admin.state(p.id).leads.length, 1);
      assert.equal(Number(sb.admin.state(p.id).leads[0]?.ID), id);
    });

    void it('binds a deal to its contact', async () => {
      const p = portal(true);
      const contact = await createEntity(p.client, 'contact', { NAME: 'Iryna', PHONE: phone('+380981234567') }, { ...marker, originId: 'call-3:contact' });
      const deal = await createEntity(p.client, 'deal', { TITLE: 'Deal', CONTACT_ID: contact, CATEGORY_ID: 0 }, { ...marker, originId: 'call-3:deal' });
      const stored = sb.admin.state(p.id).deals.find((d) => Number(d.ID) === deal);
      assert.equal(Number(stored?.CONTACT_ID), contact);
      const found = await lookupByPhone(p.client, '+380981234567', 'UA');
      assert.deepEqual(found.deals.map((d) => d.id), [deal]);
    });
  });

  void describe('fillEmptyFields (S8)', () => {
    void it('writes only what is empty, never overwrites', async () => {
      const p = portal();
      const lead = sb.admin.seed(p.id, 'lead', { TITLE: 'web form', UTM_SOURCE: 'google', UTM_MEDIUM: '' });
      const filled = await fillEmptyFields(p.client, 'lead', lead, { UTM_SOURCE: 'facebook', UTM_MEDIUM: 'cpc', UTM_CAMPAIGN: 'spring', TITLE: 'other' });
      assert.deepEqual(filled.sort(), ['UTM_CAMPAIGN', 'UTM_MEDIUM']);
      const stored = sb.admin.state(p.id).leads.find((l) => Number(l.ID) === lead);
      assert.equal(stored?.UTM_SOURCE, 'google');
      assert.equal(stored?.UTM_MEDIUM, 'cpc');
      assert.equal(stored?.UTM_CAMPAIGN, 'spring');
      assert.equal(stored?.TITLE, 'web form');
      assert.deepEqual(await fillEmptyFields(p.client, 'lead', lead, { UTM_SOURCE: 'x' }), []);
    });
  });

  void describe('createTask', () => {
    void it('creates a completed call record bound to lead, deal and contact — once per XML_ID', async () => {
      const p = portal();
      const task = {
        xmlId: 'ringostat:acme:call-9:call-record', title: 'Incoming call', description: 'Recording: https://rec.example/1.mp3',
        responsibleId: 7, status: 'completed' as const, bindings: { leadId: 1, dealId: 2, contactId: 3 },
      };
      const id = await createTask(p.client, task);
      assert.equal(await createTask(p.client, task), id);
      const tasks = sb.admin.state(p.id).tasks;
      assert.equal(tasks.length, 1);
      const stored = JSON.stringify(tasks[0]);
      assert.match(stored, /"L_1"/);
      assert.match(stored, /"D_2"/);
      assert.match(stored, /"C_3"/);
      assert.equal(String(tasks[0]?.STATUS ?? tasks[0]?.status), '5');
    });

    void it('creates an open task with a deadline', async () => {
      const p = portal(true);
      const id = await createTask(p.client, {
        xmlId: 'ringostat:acme:call-9:call-back', title: 'Call the client back', description: '', responsibleId: 7,
        status: 'open', deadline: '2030-01-02T15:00:00+02:00', bindings: { contactId: 3 },
      });
      const stored = sb.admin.state(p.id).tasks.find((t) => Number(t.ID ?? t.id) === id);
      assert.equal(String(stored?.STATUS ?? stored?.status), '2');
      assert.ok(stored?.DEADLINE ?? stored?.deadline, 'deadline stored');
    });
  });

  void describe('users and activation (M3)', () => {
    void it('lists active users only', async () => {
      const p = portal();
      const users = await listActiveUsers(p.client);
      assert.deepEqual(users.map((u) => u.id).sort(), [1, 7]);
      assert.equal(users.find((u) => u.id === 7)?.extension, '101');
    });

    void it('checkWebhook accepts a good webhook and explains a refused one in plain words', async () => {
      const p = portal();
      const ok = await checkWebhook(p.client);
      assert.equal(ok.activeUsers.length, 2);
      sb.admin.revokeWebhook(p.url);
      await assert.rejects(checkWebhook(p.client), (e: unknown) =>
        e instanceof BitrixTokenInvalidError && /refused the webhook/.test(e.message) && !e.message.includes(parseWebhookUrl(p.url).secret));
    });
  });
});
