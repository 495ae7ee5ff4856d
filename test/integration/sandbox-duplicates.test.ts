/**
 * B1 background: crm.duplicate.findbycomm matches phones the way Bitrix24 does (research §5.7) —
 * normalised code, strict equality — so the document's `098…` vs `38098…` case does NOT match.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startSandbox, type Sandbox } from '../../tools/sandbox';
import { freshPortal, rest } from '../../tools/sandbox/testing';

let sandbox: Sandbox;
before(async () => {
  sandbox = await startSandbox({ port: 0 });
});
after(async () => {
  await sandbox.stop();
});

void test('phone rule: 098 123 45 67 vs +380981234567 do not match; 0981234567 and 981234567 do', async () => {
  const { portalId, webhook } = freshPortal(sandbox);
  const contact = sandbox.admin.seed(portalId, 'contact', { NAME: 'Manual', PHONE: [{ VALUE: '098 123 45 67', VALUE_TYPE: 'WORK' }] });
  const find = async (values: string[]) => (await rest(webhook, 'crm.duplicate.findbycomm', { type: 'PHONE', values })).body.result;
  assert.deepEqual(await find(['+380981234567']), []);
  assert.deepEqual(await find(['380981234567']), []);
  assert.deepEqual(await find(['0981234567']), { CONTACT: [contact] });
  assert.deepEqual(await find(['981234567']), { CONTACT: [contact] });
  assert.deepEqual(await find(['(098) 123-45-67']), { CONTACT: [contact] });

  const lead = sandbox.admin.seed(portalId, 'lead', { PHONE: [{ VALUE: '+38 (098) 765-43-21' }] });
  assert.deepEqual(await find(['380987654321']), { LEAD: [lead] });
  assert.deepEqual(await find(['00380987654321']), { LEAD: [lead] });
  assert.deepEqual(await find(['0987654321']), []);
});

void test('result lists LEAD before CONTACT with int ids; entity_type narrows; e-mail is case-insensitive', async () => {
  const { portalId, webhook } = freshPortal(sandbox);
  const contact = sandbox.admin.seed(portalId, 'contact', { EMAIL: [{ VALUE: 'Ann@Example.com' }], PHONE: [{ VALUE: '+380501112233' }] });
  const lead = sandbox.admin.seed(portalId, 'lead', { PHONE: [{ VALUE: '+380501112233' }] });
  const both = (await rest(webhook, 'crm.duplicate.findbycomm', { type: 'PHONE', values: ['+380501112233'] })).body.result;
  assert.deepEqual(Object.keys(both), ['LEAD', 'CONTACT']);
  assert.deepEqual(both, { LEAD: [lead], CONTACT: [contact] });
  const contactsOnly = (await rest(webhook, 'crm.duplicate.findbycomm', { type: 'PHONE', values: ['+380501112233'], entity_type: 'CONTACT' })).body.result;
  assert.deepEqual(contactsOnly, { CONTACT: [contact] });
  const email = (await rest(webhook, 'crm.duplicate.findbycomm', { type: 'EMAIL', values: ['ann@example.COM '] })).body.result;
  assert.deepEqual(email, { CONTACT: [contact] });
});

void test('errors: no type, unsupported type, no values, DEAL', async () => {
  const { webhook } = freshPortal(sandbox);
  const call = (params: Record<string, unknown>) => rest(webhook, 'crm.duplicate.findbycomm', params);
  assert.deepEqual((await call({ values: ['1'] })).body, { error: '', error_description: 'Communication type is not defined.' });
  assert.equal((await call({ type: 'WEB', values: ['1'] })).body.error_description, "Communication type 'WEB' is not supported in current context.");
  const noValues = await call({ type: 'PHONE', values: '0981234567' });
  assert.deepEqual([noValues.status, noValues.body.error_description], [400, 'Communication values is not defined.']);
  assert.equal((await call({ type: 'PHONE', values: ['1'], entity_type: 'DEAL' })).body.error_description, 'Deal is not supported in current context.');
});

void test('only the first 20 distinct values are searched', async () => {
  const { portalId, webhook } = freshPortal(sandbox);
  const target = sandbox.admin.seed(portalId, 'lead', { PHONE: [{ VALUE: '+380671234599' }] });
  const values = Array.from({ length: 20 }, (_, i) => `+3806700000${String(i).padStart(2, '0')}`);
  const beyond = (await rest(webhook, 'crm.duplicate.findbycomm', { type: 'PHONE', values: [...values, '+380671234599'] })).body.result;
  assert.deepEqual(beyond, []);
  const within = (await rest(webhook, 'crm.duplicate.findbycomm', { type: 'PHONE', values: ['+380671234599', ...values] })).body.result;
  assert.deepEqual(within, { LEAD: [target] });
});
