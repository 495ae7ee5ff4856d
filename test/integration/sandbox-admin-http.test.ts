/**
 * The /_sandbox/ admin API mirrors SandboxAdmin for standalone use (demo, shell scripts).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startSandbox, type Sandbox } from '../../tools/sandbox';
import { rest } from '../../tools/sandbox/testing';

let sandbox: Sandbox;
before(async () => {
  sandbox = await startSandbox({ port: 0, rateLimit: { enabled: false, perSecond: 2, burst: 50 } });
});
after(async () => {
  await sandbox.stop();
});

async function admin(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const response = await fetch(`${sandbox.baseUrl}/_sandbox${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

void test('portal, webhook, seed, faults, state, request log and reset over HTTP', async () => {
  assert.equal((await admin('POST', '/portals', { id: 'web', users: [{ id: 1, name: 'Boss' }, { id: 7, name: 'E', extension: '101' }] })).status, 201);
  const { url } = (await admin('POST', '/portals/web/webhooks', { userId: 1, secret: 'abcdefgh12345678' })).body;
  assert.equal(url, `${sandbox.baseUrl}/rest/1/abcdefgh12345678/`);
  const { id } = (await admin('POST', '/portals/web/seed/contact', { NAME: 'Seeded', PHONE: [{ VALUE: '0501112233' }] })).body;
  assert.equal((await rest(url, 'crm.contact.get', { id })).body.result.NAME, 'Seeded');

  assert.equal((await admin('PUT', '/portals/web/faults', [{ method: 'profile', errorRate: 1 }])).status, 200);
  assert.equal((await rest(url, 'profile')).status, 500);
  await admin('PUT', '/portals/web/faults', []);

  const state = (await admin('GET', '/portals/web/state')).body;
  assert.equal(state.contacts.length, 1);
  assert.equal(state.users.length, 2);
  const log = (await admin('GET', '/requests?portalId=web')).body;
  assert.deepEqual(log.map((e: { method: string }) => e.method), ['crm.contact.get', 'profile']);

  await admin('PUT', '/portals/web/users/1/active', { active: false });
  assert.equal((await rest(url, 'profile')).status, 401);
  await admin('POST', '/webhooks/revoke', { url });
  await admin('DELETE', '/portals/web');
  assert.equal((await admin('POST', '/reset')).status, 201);
  assert.equal((await admin('GET', '/portals/web/state')).status, 404);
});

void test('bad admin input is a 400 naming the problem', async () => {
  const reply = await admin('POST', '/portals', { id: 'x', users: [] });
  assert.equal(reply.status, 400);
  assert.match(reply.body.message, /users/);
  const faults = await admin('PUT', '/portals/nope/faults', [{ errorRate: 2 }]);
  assert.equal(faults.status, 400);
});

void test('B2, B6: the state counts every lead, contact and deal ever added — alone or in a batch, deleted or not — and no seed', async () => {
  await admin('POST', '/portals', { id: 'counted', users: [{ id: 1, name: 'Boss' }] });
  const { url } = (await admin('POST', '/portals/counted/webhooks', { userId: 1 })).body;
  await admin('POST', '/portals/counted/seed/lead', { TITLE: 'Seeded' });
  const { result: contactId } = (await rest(url, 'crm.contact.add', { fields: { NAME: 'Added' } })).body;
  const batch = await rest(url, 'batch', { halt: 1, cmd: { lead: 'crm.lead.add?fields[TITLE]=Batched', deal: 'crm.deal.add?fields[TITLE]=Batched' } });
  assert.equal(batch.status, 200);
  assert.equal((await rest(url, 'crm.contact.delete', { id: contactId })).status, 200);

  const state = (await admin('GET', '/portals/counted/state')).body;
  assert.equal(state.contacts.length, 0, 'the added contact is gone');
  assert.deepEqual(state.createdEver, { lead: 1, contact: 1, deal: 1 }, 'yet it was created; the seeded lead was not');
});
