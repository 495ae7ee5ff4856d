/**
 * B10: Bitrix24 requests are counted per project, method and result class (the taxonomy of
 * bitrix/errors.ts), and the client-side limiter's wait is measured — through the client's
 * observer option, against a scripted fetch.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { createBitrixClient } from '../../bitrix/client';
import { createRateLimiter, type Clock } from '../../bitrix/rate-limiter';
import { requestResultOf } from '../../bitrix/transport';
import { BitrixBadRequestError, BitrixRateLimitedError, BitrixTokenInvalidError, BitrixTransientError } from '../../bitrix/errors';
import { parseWebhookUrl } from '../../bitrix/webhook-url';
import { createBitrixMetrics } from '../../bitrix/metrics';

const webhook = parseWebhookUrl('https://acme.bitrix24.ua/rest/7/unitS3cretXyz987/');

/** Each method answers with the scripted status and body. */
const ANSWERS: Record<string, { status: number; json: unknown }> = {
  'user.get': { status: 200, json: { result: [] } },
  'crm.lead.add': { status: 400, json: { error: 'ERROR_CORE', error_description: 'bad field' } },
  'crm.lead.list': { status: 500, json: { error: 'INTERNAL_SERVER_ERROR', error_description: 'oops' } },
  'crm.deal.list': { status: 401, json: { error: 'expired_token', error_description: 'gone' } },
  'tasks.task.add': { status: 503, json: { error: 'QUERY_LIMIT_EXCEEDED', error_description: 'too many' } },
};

const scriptedFetch = (async (input: string | URL | Request) => {
  const method = /\/([^/]+)\.json$/.exec(String(input))![1]!;
  const answer = ANSWERS[method]!;
  return new Response(JSON.stringify(answer.json), { status: answer.status, headers: { 'content-type': 'application/json' } });
}) as typeof fetch;

function sample(text: string, name: string, labels: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}}`));
  return line === undefined ? undefined : Number(line.split(' ').pop());
}

void describe('Bitrix24 request metrics (B10)', () => {
  void it('counts each request once with its result class, per project and method', async () => {
    const registry = new Registry();
    const metrics = createBitrixMetrics(registry);
    const client = createBitrixClient({ webhook, rateLimit: false, rateLimitRetries: 0, fetch: scriptedFetch, observer: metrics.observerFor('acme') });
    for (const method of Object.keys(ANSWERS)) await client.call(method).catch(() => undefined);
    const text = await registry.metrics();
    const count = (method: string, result: string) => sample(text, 'ringostat_bridge_bitrix_requests_total', `project="acme",method="${method}",result="${result}"`);
    assert.equal(count('user.get', 'ok'), 1);
    assert.equal(count('crm.lead.add', 'bad-request'), 1);
    assert.equal(count('crm.lead.list', 'transient'), 1);
    assert.equal(count('crm.deal.list', 'token'), 1);
    assert.equal(count('tasks.task.add', 'rate-limited'), 1);
    assert.equal(sample(text, 'ringostat_bridge_bitrix_request_duration_seconds_count', 'project="acme"'), 5);
  });

  void it('maps every error class of the taxonomy onto its label', () => {
    const init = { code: 'X', method: 'm', description: '' };
    assert.equal(requestResultOf(new BitrixRateLimitedError({ ...init, retryAfterMs: 1 })), 'rate-limited');
    assert.equal(requestResultOf(new BitrixTransientError(init)), 'transient');
    assert.equal(requestResultOf(new BitrixTokenInvalidError(init)), 'token');
    assert.equal(requestResultOf(new BitrixBadRequestError(init)), 'bad-request');
  });

  void it('the limiter reports how long each granted request waited', async () => {
    let now = 0;
    const clock: Clock = { now: () => now, sleep: async (ms) => { now += ms; } };
    const waits: number[] = [];
    const limiter = createRateLimiter({ perSecond: 2, burst: 2, margin: 0 }, clock, (ms) => waits.push(ms));
    await Promise.all([limiter.acquire(), limiter.acquire(), limiter.acquire()]);
    // Two fit the bucket at once; the third waits for half a second of drain at 2/s.
    assert.deepEqual(waits, [0, 0, 500]);
  });

  void it('the client feeds the limiter wait into the histogram of its project', async () => {
    const registry = new Registry();
    const client = createBitrixClient({ webhook, rateLimit: { perSecond: 50, burst: 50 }, fetch: scriptedFetch, observer: createBitrixMetrics(registry).observerFor('beta') });
    await client.call('user.get');
    assert.equal(sample(await registry.metrics(), 'ringostat_bridge_bitrix_limiter_wait_seconds_count', 'project="beta"'), 1);
  });
});
