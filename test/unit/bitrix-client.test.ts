/**
 * The REST client against a scripted fetch: envelopes, error mapping, retries of a full
 * bucket, batch parsing, automatic batching across callers (B8), pagination, and that the
 * webhook secret never reaches an error or a log line (R4).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createBitrixClient, type BitrixClientOptions } from '../../bitrix/client';
import { BitrixBadRequestError, BitrixRateLimitedError, BitrixTokenInvalidError, BitrixTransientError } from '../../bitrix/errors';
import { parseWebhookUrl } from '../../bitrix/webhook-url';
import { createLogger } from '../../platform/logger';

const SECRET = 'unitS3cretXyz987';
const webhook = parseWebhookUrl(`https://acme.bitrix24.ua/rest/7/${SECRET}/`);

interface Seen { method: string; body: Record<string, unknown> }
type Handler = (method: string, body: Record<string, unknown>) => { status?: number; json?: unknown; text?: string } | 'hang';

function fakeFetch(handler: Handler): { fetch: typeof fetch; seen: Seen[] } {
  const seen: Seen[] = [];
  const fn = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = String(input);
    const match = /\/rest\/7\/([^/]+)\/(.+)\.json$/.exec(url);
    assert.ok(match, `unexpected URL shape`);
    assert.equal(match[1], SECRET);
    assert.equal(init?.method, 'POST');
    const method = match[2]!;
    const body = JSON.parse(String(init?.body ?? '{}')) as Record<string, unknown>;
    seen.push({ method, body });
    const answer = handler(method, body);
    if (answer === 'hang') {
      return new Promise<Response>((_, reject) => init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))));
    }
    const text = answer.text ?? JSON.stringify(answer.json ?? {});
    return new Response(text, { status: answer.status ?? 200, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
  return { fetch: fn, seen };
}

function client(handler: Handler, options: Partial<BitrixClientOptions> = {}) {
  const f = fakeFetch(handler);
  return { c: createBitrixClient({ webhook, rateLimit: false, fetch: f.fetch, ...options }), seen: f.seen };
}

/** Answers batch requests by running each `method?query` command through `one`. */
function batchAware(one: (method: string, query: URLSearchParams) => unknown): Handler {
  return (method, body) => {
    if (method !== 'batch') return { json: { result: one(method, new URLSearchParams(toQuery(body))) } };
    const result: Record<string, unknown> = {};
    const errors: Record<string, unknown> = {};
    for (const [id, cmd] of Object.entries(body.cmd as Record<string, string>)) {
      const [m, q] = cmd.split('?');
      const r = one(m!, new URLSearchParams(q ?? ''));
      if (r instanceof Error) errors[id] = { error: '', error_description: r.message };
      else result[id] = r;
    }
    return { json: { result: { result, result_error: Object.keys(errors).length ? errors : [], result_total: [], result_next: [] } } };
  };
}
function toQuery(body: Record<string, unknown>): string {
  return Object.entries(body).map(([k, v]) => `${k}=${String(v)}`).join('&');
}

void describe('bitrix client: single calls', () => {
  void it('POSTs JSON to {base}/rest/{user}/{secret}/{method}.json and returns result', async () => {
    const { c, seen } = client(() => ({ json: { result: { ID: '1' }, time: {} } }));
    assert.deepEqual(await c.call('profile'), { ID: '1' });
    await c.call('crm.lead.add', { fields: { TITLE: 'x' } });
    assert.deepEqual(seen[1], { method: 'crm.lead.add', body: { fields: { TITLE: 'x' } } });
    assert.deepEqual(c.stats(), { httpRequests: 2, commands: 2 });
    assert.equal(c.description, 'https://acme.bitrix24.ua/rest/7/***/');
  });

  void it('waiting() counts the requests queued for the portal\'s rate limit (issue 16: a live call writes its tasks locally only when none are)', async () => {
    const { c } = client(() => ({ json: { result: true } }), { rateLimit: { perSecond: 1, burst: 2, margin: 0 } });
    assert.equal(c.waiting(), 0, 'nothing sent yet');
    const sends = [c.call('a'), c.call('b'), c.call('c'), c.call('d')];
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(c.waiting(), 2, 'a bucket of two: the other two wait');
    await Promise.all(sends);
    assert.equal(c.waiting(), 0);
    assert.equal(client(() => ({ json: { result: true } })).c.waiting(), 0, 'no limiter: nothing ever waits');
  });

  void it('headroom() is what may be sent now without a wait: none while any request queues (issue 16: a shard creates locally only with room)', async () => {
    const { c } = client(() => ({ json: { result: true } }), { rateLimit: { perSecond: 1, burst: 3, margin: 0 } });
    assert.equal(c.headroom(), 3, 'an empty bucket of three');
    await c.call('a');
    assert.equal(c.headroom(), 2);
    const sends = [c.call('b'), c.call('c'), c.call('d')];
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(c.headroom(), 0, 'one request waits: no room for anyone else');
    await Promise.all(sends);
    assert.equal(client(() => ({ json: { result: true } }), { rateLimit: false }).c.headroom(), Number.POSITIVE_INFINITY, 'no limiter: no bound');
  });

  void it('callRaw returns total and next', async () => {
    const { c } = client(() => ({ json: { result: [{ ID: '1' }], total: 120, next: 50 } }));
    const env = await c.callRaw('crm.lead.list');
    assert.equal(env.total, 120);
    assert.equal(env.next, 50);
  });

  void it('maps error envelopes onto the taxonomy', async () => {
    const cases: Array<[number, string, new (...a: never[]) => Error]> = [
      [401, 'INVALID_CREDENTIALS', BitrixTokenInvalidError],
      [500, 'PORTAL_DELETED', BitrixTokenInvalidError],
      [500, 'INTERNAL_SERVER_ERROR', BitrixTransientError],
      [400, '', BitrixBadRequestError],
      [404, 'ERROR_METHOD_NOT_FOUND', BitrixBadRequestError],
      [429, 'OPERATION_TIME_LIMIT', BitrixRateLimitedError],
    ];
    for (const [status, error, cls] of cases) {
      const { c } = client(() => ({ status, json: { error, error_description: 'says the portal' } }));
      await assert.rejects(c.call('crm.lead.get', { id: 1 }), (err: Error) => err instanceof cls && err.message.includes('crm.lead.get'));
    }
  });

  void it('treats a non-JSON 502 page as transient and a 3xx as a moved portal (token invalid)', async () => {
    await assert.rejects(client(() => ({ status: 502, text: '<html>bad gateway</html>' })).c.call('profile'), BitrixTransientError);
    await assert.rejects(client(() => ({ status: 302, text: '' })).c.call('profile'), (e: Error) => e instanceof BitrixTokenInvalidError && /PORTAL_MOVED/.test(e.message));
  });

  void it('times out with a transient TIMEOUT error', async () => {
    const { c } = client(() => 'hang', { timeoutMs: 30 });
    await assert.rejects(c.call('profile'), (e: Error) => e instanceof BitrixTransientError && (e as BitrixTransientError).code === 'TIMEOUT');
  });

  void it('retries a 503 QUERY_LIMIT_EXCEEDED (refused before execution) and then succeeds', async () => {
    let n = 0;
    const { c, seen } = client(() => (++n <= 2 ? { status: 503, json: { error: 'QUERY_LIMIT_EXCEEDED', error_description: 'Too many requests' } } : { json: { result: 1 } }),
      { rateLimit: { perSecond: 1000, burst: 1 } });
    assert.equal(await c.call('profile'), 1);
    assert.equal(seen.length, 3);
    const strict = client(() => ({ status: 503, json: { error: 'QUERY_LIMIT_EXCEEDED' } }), { rateLimit: { perSecond: 1000, burst: 1 }, rateLimitRetries: 0 });
    await assert.rejects(strict.c.call('profile'), BitrixRateLimitedError);
    assert.equal(strict.seen.length, 1);
  });
});

void describe('bitrix client: batch', () => {
  void it('encodes commands, classifies per-command errors, and reads totals', async () => {
    const { c, seen } = client((_m, body) => {
      const cmd = body.cmd as Record<string, string>;
      assert.equal(cmd.add, 'crm.lead.add?fields[TITLE]=A%20B&fields[PHONE][0][VALUE]=%2B380981234567');
      return { json: { result: {
        result: { add: 5, list: [{ ID: '1' }] },
        result_error: { get: { error: '', error_description: 'Not found' } },
        result_total: { list: 70 }, result_next: { list: 50 }, result_time: {},
      } } };
    });
    const out = await c.batch({
      add: { method: 'crm.lead.add', params: { fields: { TITLE: 'A B', PHONE: [{ VALUE: '+380981234567' }] } } },
      get: { method: 'crm.lead.get', params: { id: 999 } },
      list: { method: 'crm.lead.list' },
    });
    assert.equal(seen[0]?.body.halt, 0);
    assert.equal(out.results.add, 5);
    assert.ok(out.errors.get instanceof BitrixBadRequestError);
    assert.equal(out.errors.get.method, 'crm.lead.get');
    assert.equal(out.totals.list, 70);
    assert.equal(out.nexts.list, 50);
  });

  void it('splits more than 50 commands into several requests and reads PHP empty arrays', async () => {
    const { c, seen } = client(batchAware((_m, q) => Number(q.get('id'))));
    const cmds = Object.fromEntries(Array.from({ length: 120 }, (_, i) => [`u${i}`, { method: 'user.get', params: { id: i } }]));
    const out = await c.batch(cmds);
    assert.equal(seen.length, 3);
    assert.ok(seen.every((s) => Object.keys(s.body.cmd as object).length <= 50));
    assert.equal(out.results.u119, 119);
    assert.deepEqual(out.errors, {});
  });

  void it('rejects the whole batch when the request fails, or a command hits a non-bad-request error', async () => {
    await assert.rejects(client(() => ({ status: 401, json: { error: 'INVALID_CREDENTIALS' } })).c.batch({ a: { method: 'profile' } }), BitrixTokenInvalidError);
    const { c } = client(() => ({ json: { result: { result: [], result_error: { a: { error: 'INTERNAL_SERVER_ERROR' } } } } }));
    await assert.rejects(c.batch({ a: { method: 'profile' } }), BitrixTransientError);
  });
});

void describe('bitrix client: automatic batching (B8)', () => {
  void it('sends 100 concurrent calls in 2 requests, each caller getting its own result or error', async () => {
    const { c, seen } = client(batchAware((m, q) => (q.get('id') === '13' ? new Error('Not found') : `${m}:${q.get('id')}`)), { autoBatch: true });
    const calls = Array.from({ length: 100 }, (_, i) => c.call<string>('crm.lead.get', { id: i }));
    const settled = await Promise.allSettled(calls);
    assert.equal(seen.length, 2);
    assert.deepEqual(c.stats(), { httpRequests: 2, commands: 100 });
    settled.forEach((s, i) => {
      if (i === 13) assert.ok(s.status === 'rejected' && s.reason instanceof BitrixBadRequestError);
      else assert.deepEqual(s, { status: 'fulfilled', value: `crm.lead.get:${i}` });
    });
  });

  void it('sends a lone call as a plain call', async () => {
    const { c, seen } = client(() => ({ json: { result: 'ok' } }), { autoBatch: true });
    assert.equal(await c.call('profile'), 'ok');
    assert.equal(seen[0]?.method, 'profile');
  });

  void it('gives a batch-level failure to every caller, naming each caller\'s method', async () => {
    const { c } = client(() => ({ status: 401, json: { error: 'INVALID_CREDENTIALS', error_description: 'Invalid request credentials' } }), { autoBatch: true });
    const settled = await Promise.allSettled([c.call('crm.lead.get', { id: 1 }), c.call('crm.deal.get', { id: 2 })]);
    assert.deepEqual(settled.map((s) => s.status === 'rejected' && s.reason instanceof BitrixTokenInvalidError && s.reason.method), ['crm.lead.get', 'crm.deal.get']);
  });

  void it('batches under the rate limiter: queued commands leave together when a slot frees', async () => {
    const { c, seen } = client(batchAware((_m, q) => q.get('id')), { autoBatch: true, rateLimit: { perSecond: 20, burst: 1 } });
    const first = c.call('crm.lead.get', { id: 0 });
    // The first takes the only slot (wait until it is on the wire); the next 30 queue while the bucket drains.
    while (seen.length === 0) await new Promise((r) => setImmediate(r));
    const rest = Array.from({ length: 30 }, (_, i) => c.call('crm.lead.get', { id: i + 1 }));
    await Promise.all([first, ...rest]);
    assert.equal(seen.length, 2);
  });
});

void describe('bitrix client: listAll', () => {
  const rows = Array.from({ length: 173 }, (_, i) => ({ ID: String(i + 1) }));
  function listing(method: string, q: URLSearchParams): unknown {
    assert.equal(method, 'crm.lead.list');
    return rows.slice(Number(q.get('start')), Number(q.get('start')) + 50);
  }

  void it('reads page one, then the other pages together in one batch', async () => {
    const { c, seen } = client((method, body) => {
      if (method === 'batch') return batchAware(listing)(method, body) as { json: unknown };
      return { json: { result: rows.slice(0, 50), total: rows.length, next: 50 } };
    });
    const all = await c.listAll('crm.lead.list', { filter: { '>ID': 0 } });
    assert.equal(all.length, 173);
    assert.equal(seen.length, 2);
    assert.equal((await c.listAll('crm.lead.list', {}, { limit: 60 })).length, 60);
  });

  void it('scans with start=-1 and an ID cursor', async () => {
    const { c, seen } = client((_m, body) => {
      const last = Number((body.filter as Record<string, unknown>)['>ID']);
      assert.equal(body.start, -1);
      assert.deepEqual(body.order, { ID: 'ASC' });
      return { json: { result: rows.filter((r) => Number(r.ID) > last).slice(0, 50), total: 0 } };
    });
    const all = await c.listAll<{ ID: string }>('crm.lead.list', { filter: { SOURCE_ID: 'CALL' } }, { cursor: true });
    assert.equal(all.length, 173);
    assert.equal(all[172]?.ID, '173');
    assert.equal(seen.length, 4);
    assert.equal((seen[0]?.body.filter as Record<string, unknown>).SOURCE_ID, 'CALL');
  });

  void it('reads task lists wrapped in {tasks: [...]}', async () => {
    const { c } = client(() => ({ json: { result: { tasks: [{ id: '1' }, { id: '2' }] }, total: 2 } }));
    assert.deepEqual(await c.listAll('tasks.task.list'), [{ id: '1' }, { id: '2' }]);
  });
});

void describe('bitrix client: the secret stays secret (R4)', () => {
  void it('appears in no log line and no error, whatever fails', async () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'debug', destination: { write: (s: string) => void lines.push(s) } });
    const failures: Handler[] = [
      () => ({ status: 401, json: { error: 'INVALID_CREDENTIALS', error_description: `webhook /rest/7/${SECRET}/ is blocked` } }),
      () => ({ status: 500, text: `<html>error at https://acme.bitrix24.ua/rest/7/${SECRET}/profile.json</html>` }),
      () => 'hang',
      () => { throw new TypeError(`fetch failed for https://acme.bitrix24.ua/rest/7/${SECRET}/profile.json`); },
    ];
    const errors: unknown[] = [];
    for (const handler of failures) {
      const { c } = client(handler, { logger, timeoutMs: 20 });
      await c.call('profile').catch((e: unknown) => errors.push(e));
      await c.call('crm.lead.get', { id: 1 }).catch((e: unknown) => errors.push(e));
    }
    assert.equal(errors.length, 8);
    assert.ok(lines.length >= 8, 'failures are logged');
    for (const line of lines) assert.ok(!line.includes(SECRET), `secret in log: ${line}`);
    for (const err of errors) {
      const e = err as Error;
      for (const text of [e.message, String(e.stack), JSON.stringify(e), String(e)]) assert.ok(!text.includes(SECRET), `secret in error: ${text}`);
    }
    assert.ok(lines.some((l) => l.includes('https://acme.bitrix24.ua/rest/7/***/')), 'logs name the portal safely');
  });
});
