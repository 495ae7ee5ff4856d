/**
 * R3/T1: the sandbox answers failures with Bitrix24's codes and statuses, so the client's error
 * classification (rate limit / transient / invalid token / bad request) can be tested against it.
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

const INVALID_CREDENTIALS = { error: 'INVALID_CREDENTIALS', error_description: 'Invalid request credentials' };

void test('unknown method: 404 ERROR_METHOD_NOT_FOUND', async () => {
  const { webhook } = freshPortal(sandbox);
  const reply = await rest(webhook, 'crm.lead.explode');
  assert.deepEqual([reply.status, reply.body], [404, { error: 'ERROR_METHOD_NOT_FOUND', error_description: 'Method not found!' }]);
});

void test('revoked, mistyped and unknown webhooks: 401 INVALID_CREDENTIALS', async () => {
  const { webhook } = freshPortal(sandbox);
  assert.equal((await rest(webhook, 'profile')).status, 200);
  sandbox.admin.revokeWebhook(webhook);
  const revoked = await rest(webhook, 'profile');
  assert.deepEqual([revoked.status, revoked.body], [401, INVALID_CREDENTIALS]);
  const mistyped = await rest(webhook.replace(/\/rest\/1\/[^/]+\//, '/rest/1/wrongsecret1234/'), 'profile');
  assert.deepEqual([mistyped.status, mistyped.body], [401, INVALID_CREDENTIALS]);
  const noAuth = await fetch(`${sandbox.baseUrl}/rest/profile`);
  assert.deepEqual([noAuth.status, await noAuth.json()], [401, { error: 'NO_AUTH_FOUND', error_description: 'Wrong authorization data' }]);
});

void test('a new webhook works after the old one is revoked (reactivation path)', async () => {
  const { portalId, webhook } = freshPortal(sandbox);
  sandbox.admin.revokeWebhook(webhook);
  const fresh = sandbox.admin.createWebhook(portalId, 1, 'newsecret0000001');
  assert.ok(fresh.endsWith('/rest/1/newsecret0000001/'));
  assert.equal((await rest(fresh, 'profile')).status, 200);
});

void test('deactivated webhook user: 401 INVALID_CREDENTIALS; reactivated: works again', async () => {
  const { portalId, webhook } = freshPortal(sandbox);
  sandbox.admin.setUserActive(portalId, 1, false);
  const reply = await rest(webhook, 'crm.lead.list');
  assert.deepEqual([reply.status, reply.body], [401, INVALID_CREDENTIALS]);
  sandbox.admin.setUserActive(portalId, 1, true);
  assert.equal((await rest(webhook, 'crm.lead.list')).status, 200);
});

void test('deleted portal: 500 PORTAL_DELETED', async () => {
  const { portalId, webhook } = freshPortal(sandbox);
  sandbox.admin.deletePortal(portalId);
  const reply = await rest(webhook, 'profile');
  assert.deepEqual([reply.status, reply.body], [500, { error: 'PORTAL_DELETED', error_description: 'Portal was deleted' }]);
});

void test('missing required fields', async () => {
  const { webhook } = freshPortal(sandbox);
  const noFields = await rest(webhook, 'tasks.task.add', {});
  assert.deepEqual([noFields.status, noFields.body.error], [400, '100']);
  const empty = await rest(webhook, 'tasks.task.add', { fields: { DESCRIPTION: 'x' } });
  assert.deepEqual([empty.status, empty.body], [400, { error: 'ERROR_CORE', error_description: 'Task title not specified<br>Assignee not specified<br>' }]);
  const noUser = await rest(webhook, 'tasks.task.add', { fields: { TITLE: 't', RESPONSIBLE_ID: 555 } });
  assert.equal(noUser.body.error_description, 'User specified in the "Assignee" field not found<br>');
  const badStatus = await rest(webhook, 'tasks.task.add', { fields: { TITLE: 't', RESPONSIBLE_ID: 1, STATUS: 9 } });
  assert.equal(badStatus.body.error_description, 'Invalid status<br>');
  const noType = await rest(webhook, 'crm.deal.contact.add', { fields: { CONTACT_ID: 1 } });
  assert.deepEqual([noType.status, noType.body.error], [400, '']);
});

void test('bad list parameters keep the legacy texts', async () => {
  const { webhook } = freshPortal(sandbox);
  const reply = await rest(webhook, 'crm.lead.list', { filter: 'ID=1' });
  assert.deepEqual([reply.status, reply.body], [400, { error: '', error_description: "Parameter 'filter' must be array." }]);
});
