/**
 * B8/R1/R3: the leaky-bucket limit (50 burst, 2/s drain, per request) and injected faults —
 * 500 shares, held sockets (client-side timeouts), latency, 503s — never changing state when
 * they refuse a request, plus the request log that benchmarks read.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
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

void test('a burst of 60: the first 50 pass, the rest get 503 QUERY_LIMIT_EXCEEDED; after a wait they pass', async () => {
  const { portalId, webhook } = freshPortal(sandbox, { rateLimit: { enabled: true, perSecond: 2, burst: 50 } });
  const started = Date.now();
  const replies = await Promise.all(Array.from({ length: 60 }, () => rest(webhook, 'profile')));
  // The bucket drains 2 per second while the burst is in flight: on a slow machine a few more pass.
  const drained = Math.ceil(((Date.now() - started) / 1000) * 2);
  const passed = replies.filter((r) => r.status === 200).length;
  const refused = replies.filter((r) => r.status === 503);
  assert.ok(passed >= 50 && passed <= 50 + drained, `${passed} passed, ${drained} may have drained`);
  assert.equal(passed + refused.length, 60);
  assert.ok(refused.length >= 1, 'the burst went over the limit');
  assert.deepEqual(refused[0]?.body, { error: 'QUERY_LIMIT_EXCEEDED', error_description: 'Too many requests' });
  await sleep(1100); // drains 2 per second: two more requests fit
  assert.equal((await rest(webhook, 'profile')).status, 200);
  assert.equal((await rest(webhook, 'profile')).status, 200);
  const log = sandbox.admin.requestLog(portalId);
  assert.equal(log.filter((e) => e.error === 'QUERY_LIMIT_EXCEEDED').length, refused.length);
});

void test('the limit can be switched off per portal', async () => {
  const { portalId, webhook } = freshPortal(sandbox, { rateLimit: { enabled: true, perSecond: 2, burst: 3 } });
  for (let i = 0; i < 3; i++) assert.equal((await rest(webhook, 'profile')).status, 200);
  assert.equal((await rest(webhook, 'profile')).status, 503);
  sandbox.admin.setRateLimit({ enabled: false, perSecond: 2, burst: 3 }, portalId);
  for (let i = 0; i < 10; i++) assert.equal((await rest(webhook, 'profile')).status, 200);
});

void test('errorRate 1 answers 500 INTERNAL_SERVER_ERROR and changes nothing; [] clears', async () => {
  const { portalId, webhook } = freshPortal(sandbox);
  sandbox.admin.setFaults(portalId, [{ method: 'crm.lead.add', errorRate: 1 }]);
  const failed = await rest(webhook, 'crm.lead.add', { fields: { TITLE: 'x' } });
  assert.deepEqual([failed.status, failed.body], [500, { error: 'INTERNAL_SERVER_ERROR', error_description: 'Internal server error' }]);
  const viaBatch = await rest(webhook, 'batch', { cmd: { a: 'crm.lead.add?fields[TITLE]=y' } });
  assert.equal(viaBatch.status, 500, 'a batch carrying the faulted method is faulted too');
  assert.equal((await rest(webhook, 'crm.lead.list')).status, 200, 'other methods unaffected');
  assert.equal(sandbox.admin.state(portalId).leads.length, 0);
  sandbox.admin.setFaults(portalId, []);
  assert.equal((await rest(webhook, 'crm.lead.add', { fields: { TITLE: 'x' } })).status, 200);
});

void test('errorRate 0.3 with a seed fails about 30 % of requests, the same ones on replay', async () => {
  const { portalId, webhook } = freshPortal(sandbox);
  const run = async (): Promise<number[]> => {
    sandbox.admin.setRandomSeed(42);
    sandbox.admin.setFaults(portalId, [{ errorRate: 0.3 }]);
    const statuses: number[] = [];
    for (let i = 0; i < 100; i++) statuses.push((await rest(webhook, 'profile')).status);
    return statuses;
  };
  const first = await run();
  const failures = first.filter((s) => s === 500).length;
  assert.ok(failures > 15 && failures < 45, `failures ${failures}`);
  assert.deepEqual(await run(), first);
});

void test('timeoutRate 1 holds the socket until the client aborts; nothing is written', async () => {
  const { portalId, webhook } = freshPortal(sandbox);
  sandbox.admin.setFaults(portalId, [{ method: 'crm.lead.add', timeoutRate: 1 }]);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 150);
  await assert.rejects(rest(webhook, 'crm.lead.add', { fields: { TITLE: 'x' } }, { signal: controller.signal }), { name: 'AbortError' });
  clearTimeout(timer);
  assert.equal(sandbox.admin.state(portalId).leads.length, 0);
  assert.equal(sandbox.admin.requestLog(portalId).at(-1)?.error, 'TIMEOUT');
});

void test('lostResponseRate 1 writes but never answers (the ambiguous timeout)', async () => {
  const { portalId, webhook } = freshPortal(sandbox);
  sandbox.admin.setFaults(portalId, [{ lostResponseRate: 1 }]);
  await assert.rejects(rest(webhook, 'crm.lead.add', { fields: { TITLE: 'x' } }, { signal: AbortSignal.timeout(150) }));
  assert.equal(sandbox.admin.state(portalId).leads.length, 1);
});

void test('latency delays the answer; rateLimitRate answers 503 QUERY_LIMIT_EXCEEDED', async () => {
  const { portalId, webhook } = freshPortal(sandbox);
  sandbox.admin.setFaults(portalId, [{ method: 'profile', latencyMs: 120 }, { method: 'user.get', rateLimitRate: 1 }]);
  const started = Date.now();
  assert.equal((await rest(webhook, 'profile')).status, 200);
  assert.ok(Date.now() - started >= 110, 'latency applied');
  const limited = await rest(webhook, 'user.get');
  assert.deepEqual([limited.status, limited.body.error], [503, 'QUERY_LIMIT_EXCEEDED']);
});

void test('request log: portal, method, status, commands, error', async () => {
  const { portalId, webhook } = freshPortal(sandbox);
  await rest(webhook, 'crm.lead.add', { fields: { TITLE: 'x' } });
  await rest(webhook, 'crm.lead.get', { id: 99 });
  const log = sandbox.admin.requestLog(portalId);
  assert.deepEqual(log.map(({ method, status, commands, error }) => ({ method, status, commands, error })), [
    { method: 'crm.lead.add', status: 200, commands: 1, error: undefined },
    { method: 'crm.lead.get', status: 400, commands: 1, error: 'Not found' },
  ]);
  assert.ok(log.every((e) => e.portalId === portalId && typeof e.at === 'number'));
  assert.ok(sandbox.admin.requestLog().length >= log.length, 'without a portal: all portals');
});
