/**
 * The REST client against the in-process Bitrix24 sandbox: every error class end to end (R3),
 * the limiter under a burst with the sandbox's real leaky bucket on, automatic batching (B8),
 * batch + pagination, and the secret absent from logs and errors (R4).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startSandbox } from '../../tools/sandbox';
import { createBitrixClient, type BitrixClientOptions } from '../../bitrix/client';
import { BitrixBadRequestError, BitrixRateLimitedError, BitrixTokenInvalidError, BitrixTransientError } from '../../bitrix/errors';
import { parseWebhookUrl } from '../../bitrix/webhook-url';
import { createLogger } from '../../platform/logger';

type Sandbox = Awaited<ReturnType<typeof startSandbox>>;

void describe('bitrix client against the sandbox', () => {
  let sb: Sandbox;
  let n = 0;
  before(async () => {
    sb = await startSandbox();
  });
  after(async () => {
    await sb?.stop();
  });

  /** A fresh portal (no rate limit unless asked) and a client on its webhook. */
  function portal(options: Partial<BitrixClientOptions> = {}, rateLimit?: { perSecond: number; burst: number }) {
    const id = `client-${process.pid}-${++n}`;
    sb.admin.createPortal({
      id,
      users: [{ id: 1, name: 'Admin' }, { id: 7, name: 'Olena', extension: '101' }],
      rateLimit: rateLimit ? { enabled: true, ...rateLimit } : { enabled: false, perSecond: 2, burst: 50 },
    });
    const url = sb.admin.createWebhook(id, 1);
    const client = createBitrixClient({ webhook: parseWebhookUrl(url), rateLimit: false, ...options });
    return { id, url, client, log: () => sb.admin.requestLog(id) };
  }

  void describe('error classes end to end (R3)', () => {
    void it('503 QUERY_LIMIT_EXCEEDED → BitrixRateLimited, or retried inside the client until it passes', async () => {
      const strict = portal({ rateLimitRetries: 0 });
      sb.admin.setFaults(strict.id, [{ rateLimitRate: 1 }]);
      await assert.rejects(strict.client.call('profile'), (e: unknown) =>
        e instanceof BitrixRateLimitedError && e.code === 'QUERY_LIMIT_EXCEEDED' && e.httpStatus === 503 && e.retryAfterMs > 0);

      sb.admin.setRandomSeed(7);
      const patient = portal({ rateLimit: { perSecond: 50, burst: 5 }, rateLimitRetries: 8 });
      sb.admin.setFaults(patient.id, [{ rateLimitRate: 0.4 }]);
      const results = await Promise.all(Array.from({ length: 10 }, () => patient.client.call<{ ID: unknown }>('profile')));
      assert.equal(results.length, 10);
      assert.ok(patient.log().some((r) => r.status === 503), 'faults were injected');
    });

    void it('500 INTERNAL_SERVER_ERROR → BitrixTransient', async () => {
      const p = portal();
      sb.admin.setFaults(p.id, [{ method: 'crm.lead.add', errorRate: 1 }]);
      await assert.rejects(p.client.call('crm.lead.add', { fields: { TITLE: 'x' } }), (e: unknown) =>
        e instanceof BitrixTransientError && e.code === 'INTERNAL_SERVER_ERROR' && e.retriable);
      assert.equal(sb.admin.state(p.id).leads.length, 0);
      assert.ok(await p.client.call('profile'), 'other methods unaffected');
    });

    void it('an unanswered request → BitrixTransient TIMEOUT', async () => {
      const p = portal({ timeoutMs: 300 });
      sb.admin.setFaults(p.id, [{ timeoutRate: 1 }]);
      await assert.rejects(p.client.call('profile'), (e: unknown) => e instanceof BitrixTransientError && e.code === 'TIMEOUT');
    });

    void it('a revoked webhook, a deactivated user, a deleted portal → BitrixTokenInvalid', async () => {
      const revoked = portal();
      assert.ok(await revoked.client.call('profile'));
      sb.admin.revokeWebhook(revoked.url);
      await assert.rejects(revoked.client.call('profile'), (e: unknown) => e instanceof BitrixTokenInvalidError && !e.retriable);

      const inactive = portal();
      sb.admin.setUserActive(inactive.id, 1, false);
      await assert.rejects(inactive.client.call('profile'), BitrixTokenInvalidError);

      const deleted = portal();
      sb.admin.deletePortal(deleted.id);
      await assert.rejects(deleted.client.call('profile'), BitrixTokenInvalidError);
    });

    void it('bad requests → BitrixBadRequest (legacy "" code, unknown method)', async () => {
      const p = portal();
      await assert.rejects(p.client.call('crm.lead.get', { id: 987654 }), (e: unknown) =>
        e instanceof BitrixBadRequestError && e.code === '' && e.httpStatus === 400 && !e.retriable);
      await assert.rejects(p.client.call('crm.no.such.method'), (e: unknown) =>
        e instanceof BitrixBadRequestError && e.code === 'ERROR_METHOD_NOT_FOUND');
    });

    void it('a batch-level failure reaches every auto-batched caller', async () => {
      const p = portal({ autoBatch: true, rateLimitRetries: 0 });
      sb.admin.setFaults(p.id, [{ rateLimitRate: 1 }]);
      const settled = await Promise.allSettled(Array.from({ length: 5 }, (_, i) => p.client.call('crm.lead.list', { filter: { ID: i } })));
      assert.ok(settled.every((s) => s.status === 'rejected' && s.reason instanceof BitrixRateLimitedError && s.reason.method === 'crm.lead.list'));
    });
  });

  void describe('rate limiter under a burst (B8)', () => {
    // A faster bucket than the real 2/s so the test runs in seconds; same algorithm. At 20/s one
    // free slot absorbs only 50 ms of network/event-loop jitter, so the client keeps 2 free here
    // (100 ms); at the real 2/s the default single slot absorbs 500 ms.
    const bucket = { perSecond: 20, burst: 20 };

    void it('120 calls with the limiter on: zero 503s', async () => {
      const p = portal({ rateLimit: { ...bucket, margin: 2 }, rateLimitRetries: 0 }, bucket);
      await Promise.all(Array.from({ length: 120 }, () => p.client.call('profile')));
      const log = p.log();
      assert.equal(log.length, 120);
      assert.equal(log.filter((r) => r.status === 503).length, 0);
    });

    void it('the same burst without the limiter is refused (the sandbox limit is real)', async () => {
      const p = portal({ rateLimit: false, rateLimitRetries: 0 }, bucket);
      const settled = await Promise.allSettled(Array.from({ length: 60 }, () => p.client.call('profile')));
      assert.ok(settled.filter((s) => s.status === 'rejected').length > 0);
      assert.ok(p.log().some((r) => r.status === 503));
    });
  });

  void describe('automatic batching (B8)', () => {
    void it('100 concurrent calls go in a few HTTP requests', async () => {
      const p = portal({ autoBatch: true, rateLimit: { perSecond: 2, burst: 50 } }, { perSecond: 2, burst: 50 });
      const ids = await Promise.all(Array.from({ length: 100 }, (_, i) => p.client.call<number>('crm.lead.add', { fields: { TITLE: `Lead ${i}` } })));
      assert.equal(new Set(ids).size, 100);
      const log = p.log();
      assert.ok(log.length <= 3, `${log.length} HTTP requests`);
      assert.equal(log.reduce((sum, r) => sum + r.commands, 0), 100);
      assert.deepEqual(p.client.stats(), { httpRequests: log.length, commands: 100 });
      const titles = new Map(sb.admin.state(p.id).leads.map((l) => [Number(l.ID), l.TITLE]));
      ids.forEach((id, i) => assert.equal(titles.get(id), `Lead ${i}`, 'each caller got its own result'));
    });

    void it('per-command errors stay with their caller', async () => {
      const p = portal({ autoBatch: true });
      const lead = sb.admin.seed(p.id, 'lead', { TITLE: 'exists' });
      const [ok, missing] = await Promise.allSettled([p.client.call('crm.lead.get', { id: lead }), p.client.call('crm.lead.get', { id: 999999 })]);
      assert.equal(ok.status, 'fulfilled');
      assert.ok(missing.status === 'rejected' && missing.reason instanceof BitrixBadRequestError);
      assert.equal(p.log().length, 1);
    });
  });

  void describe('batch and pagination', () => {
    void it('batch runs commands in one request, with per-command errors, totals and nexts', async () => {
      const p = portal();
      for (let i = 0; i < 60; i += 1) sb.admin.seed(p.id, 'lead', { TITLE: `L${i}`, SOURCE_ID: 'CALL' });
      const out = await p.client.batch({
        add: { method: 'crm.lead.add', params: { fields: { TITLE: 'via batch', PHONE: [{ VALUE: '+380981234567', VALUE_TYPE: 'WORK' }] } } },
        list: { method: 'crm.lead.list', params: { filter: { SOURCE_ID: 'CALL' }, select: ['ID'] } },
        bad: { method: 'crm.lead.get', params: { id: 999999 } },
      });
      assert.equal(p.log().length, 1);
      assert.ok(Number(out.results.add) > 0);
      assert.equal((out.results.list as unknown[]).length, 50);
      assert.equal(out.totals.list, 60);
      assert.equal(out.nexts.list, 50);
      assert.ok(out.errors.bad instanceof BitrixBadRequestError);
      const added = sb.admin.state(p.id).leads.find((l) => l.TITLE === 'via batch');
      assert.match(JSON.stringify(added?.PHONE), /\+380981234567/);
    });

    void it('listAll reads 130 rows by pages (2 requests) and by ID cursor', async () => {
      const p = portal();
      for (let i = 0; i < 130; i += 1) sb.admin.seed(p.id, 'contact', { NAME: `C${i}` });
      const before = p.log().length;
      const paged = await p.client.listAll<{ ID: string }>('crm.contact.list', { select: ['ID', 'NAME'] });
      assert.equal(paged.length, 130);
      assert.equal(new Set(paged.map((r) => r.ID)).size, 130);
      assert.equal(p.log().length - before, 2);
      const scanned = await p.client.listAll<{ ID: string }>('crm.contact.list', { select: ['ID'] }, { cursor: true });
      assert.deepEqual(scanned.map((r) => r.ID).sort(), paged.map((r) => r.ID).sort());
      assert.equal((await p.client.listAll('crm.contact.list', {}, { limit: 75 })).length, 75);
    });
  });

  void it('the secret appears in no log line and no error (R4)', async () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'debug', destination: { write: (s: string) => void lines.push(s) } });
    const p = portal({ logger });
    const secret = parseWebhookUrl(p.url).secret;
    await p.client.call('profile');
    sb.admin.revokeWebhook(p.url);
    const err = await p.client.call('crm.lead.get', { id: 1 }).then(() => undefined, (e: unknown) => e as Error);
    assert.ok(err instanceof BitrixTokenInvalidError);
    assert.ok(lines.length >= 2);
    for (const line of lines) assert.ok(!line.includes(secret), `secret in log: ${line}`);
    for (const text of [err.message, String(err.stack), JSON.stringify(err)]) assert.ok(!text.includes(secret));
  });
});
