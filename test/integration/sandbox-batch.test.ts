/**
 * B6/B8: batch as Bitrix24 runs it — per-command results and errors in one 200 answer, halt,
 * the 50-command ceiling, no nesting, `$result[...]` references, one rate-limit slot.
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

void test('successful commands fill result / result_total / result_next / result_time; empties are []', async () => {
  const { portalId, webhook } = freshPortal(sandbox);
  for (let i = 0; i < 60; i++) sandbox.admin.seed(portalId, 'lead', { TITLE: `L${i}` });
  const reply = await rest(webhook, 'batch', {
    halt: 0,
    cmd: { add: 'crm.lead.add?fields[TITLE]=From batch', list: 'crm.lead.list?order[ID]=ASC', me: 'profile' },
  });
  assert.equal(reply.status, 200);
  const { result, result_error, result_total, result_next, result_time } = reply.body.result;
  assert.equal(result.add, 61);
  assert.equal(result.list.length, 50);
  assert.equal(result.me.ID, '1');
  assert.deepEqual(result_error, []);
  assert.deepEqual(result_total, { list: 61 });
  assert.deepEqual(result_next, { list: 50 });
  assert.deepEqual(Object.keys(result_time).sort(), ['add', 'list', 'me']);
  assert.ok('time' in reply.body);
});

void test('per-command errors are collected; halt=1 stops at the first one', async () => {
  const { webhook } = freshPortal(sandbox);
  const cmd = { a: 'crm.lead.get?id=404', b: 'crm.lead.add?fields[TITLE]=after', c: 'no.such.method' };
  const all = (await rest(webhook, 'batch', { halt: 0, cmd })).body.result;
  assert.deepEqual(all.result_error.a, { error: '', error_description: 'Not found' });
  assert.deepEqual(all.result_error.c, { error: 'ERROR_METHOD_NOT_FOUND', error_description: 'Method not found!' });
  assert.equal(all.result.b, 1);

  const halted = await rest(webhook, 'batch', { halt: 1, cmd });
  assert.equal(halted.status, 200);
  assert.deepEqual(Object.keys(halted.body.result.result_error), ['a']);
  assert.deepEqual(halted.body.result.result, [], 'b never ran');
});

void test('more than 50 commands is ERROR_BATCH_LENGTH_EXCEEDED; nested batch is not allowed', async () => {
  const { portalId, webhook } = freshPortal(sandbox);
  const cmd = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`c${i}`, 'crm.lead.add?fields[TITLE]=x']));
  const tooLong = await rest(webhook, 'batch', { cmd });
  assert.deepEqual([tooLong.status, tooLong.body], [400, { error: 'ERROR_BATCH_LENGTH_EXCEEDED', error_description: 'Max batch length exceeded' }]);
  assert.equal(sandbox.admin.state(portalId).leads.length, 0, 'nothing ran');

  const nested = (await rest(webhook, 'batch', { cmd: { inner: 'batch?cmd[x]=profile' } })).body.result;
  assert.equal(nested.result_error.inner.error, 'ERROR_BATCH_METHOD_NOT_ALLOWED');
});

void test('array cmd prints results as a list; references use earlier results', async () => {
  const { portalId, webhook } = freshPortal(sandbox);
  const reply = (await rest(webhook, 'batch', {
    cmd: [
      'crm.contact.add?fields[NAME]=Ann',
      'crm.deal.add?fields[TITLE]=D&fields[CONTACT_ID]=$result[0]',
      'crm.deal.get?id=$result[1]',
    ],
  })).body.result;
  assert.ok(Array.isArray(reply.result));
  assert.equal(reply.result[2].CONTACT_ID, String(reply.result[0]));
  assert.equal(sandbox.admin.state(portalId).deals.length, 1);
});

void test('a batch counts as one request (one log entry with its command count)', async () => {
  const { portalId, webhook } = freshPortal(sandbox);
  await rest(webhook, 'batch', { cmd: { a: 'profile', b: 'profile', c: 'profile' } });
  const log = sandbox.admin.requestLog(portalId);
  assert.equal(log.length, 1);
  assert.deepEqual([log[0]?.method, log[0]?.commands, log[0]?.status], ['batch', 3, 200]);
});
