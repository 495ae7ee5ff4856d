/**
 * The HTTP endpoints with fastify inject (docs/contracts.md §5; B5, R4, R5, F1): token auth, every
 * 4xx with its JSON reason, 202 only after the publish, the routing answer in JSON and text,
 * /healthz, /metrics, and no token in any log line.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import type { ProducerRecord } from 'kafkajs';
import { createLogger } from '../../platform/logger';
import { buildHttpServer, type HttpServerOptions } from '../../http/http-app';
import type { ResponsibleAnswer, ResponsibleResolver } from '../../http/routing/responsible-resolver';
import { bridgeConfigSchema } from '../../schemas/project-config';

const TOKEN = 'acme-token-0123456789abcdef';
const OTHER_TOKEN = 'beta-token-0123456789abcdef';

const config = bridgeConfigSchema.parse({
  projects: [
    { id: 'acme', bitrix24: { webhookUrl: 'https://acme.bitrix24.ua/rest/1/secretsecret/' }, seniorManager: 1, ingestToken: TOKEN },
    { id: 'beta', bitrix24: { webhookUrl: 'https://beta.bitrix24.ua/rest/1/secretsecret/' }, seniorManager: 1, ingestToken: OTHER_TOKEN },
    { id: 'closed', bitrix24: { webhookUrl: 'https://closed.bitrix24.ua/rest/1/secretsecret/' }, seniorManager: 1 },
  ],
});

const OLENA: ResponsibleAnswer = {
  result: 'matched', cached: true, destination: 'olena_sip', matched: { entity: 'lead', id: 11 },
  employee: { code: '101', extension: '101', sip: ['olena_sip'], phones: ['+380671112233'], bitrix24UserId: 7 },
};
const NONE: ResponsibleAnswer = { result: 'not-found', cached: false, employee: null, destination: null };

function fakeResolver(): ResponsibleResolver & { asked: Array<[string, string]> } {
  const asked: Array<[string, string]> = [];
  return {
    asked,
    async resolve(projectId, phone) {
      asked.push([projectId, phone]);
      return phone === '+380931234567' ? OLENA : NONE;
    },
    invalidate() {},
  };
}

function fakeProducer(fail = false) {
  const sent: ProducerRecord[] = [];
  return {
    sent,
    async send(record: ProducerRecord) {
      if (fail) throw new Error('KafkaJSConnectionError: Connection error: connect ECONNREFUSED');
      sent.push(record);
      return [];
    },
  };
}

function build(overrides: Partial<HttpServerOptions> = {}) {
  const lines: string[] = [];
  const destination = new Writable({ write(chunk: Buffer, _enc, done) { lines.push(chunk.toString()); done(); } });
  const producer = fakeProducer();
  const responsible = fakeResolver();
  const app = buildHttpServer({
    config, producer, topic: 'test.call-events', responsible, logger: createLogger({ destination, level: 'debug' }), ...overrides,
  });
  return { app, producer, responsible, lines };
}

/** `token` null: no token in the URL (undefined would take the default). */
const webhookUrl = (project = 'acme', token: string | null = TOKEN, extra = '') =>
  `/v1/projects/${project}/ringostat-webhook${token === null ? '' : `?token=${token}`}${extra}`;

const payload = { uniqueid: 'ua-1710407730.1', caller: '380671234567', dst: '380441112233', call_type: 'in', disposition: 'ANSWERED', billsec: '42', employee_number: '101' };

void describe('POST ringostat-webhook: accept and publish (B5)', () => {
  void it('202 after the publish; keyed {projectId}:{callId}; the event carries raw without the token', async () => {
    const { app, producer } = build();
    const res = await app.inject({ method: 'POST', url: webhookUrl(), payload });
    assert.equal(res.statusCode, 202, res.body);
    assert.deepEqual(res.json(), { accepted: true, eventId: 'ringostat:ua-1710407730.1:ended', callId: 'ua-1710407730.1', type: 'call.ended' });
    assert.equal(producer.sent.length, 1);
    const record = producer.sent[0]!;
    assert.equal(record.topic, 'test.call-events');
    assert.equal(record.acks, -1);
    assert.equal(record.messages[0]?.key, 'acme:ua-1710407730.1');
    const event = JSON.parse(String(record.messages[0]?.value)) as Record<string, unknown>;
    assert.equal(event.projectId, 'acme');
    assert.equal(event.disposition, 'answered');
    assert.deepEqual(event.raw, payload);
    assert.equal(String(record.messages[0]?.value).includes(TOKEN), false, 'the token never reaches Kafka (R4)');
  });

  void it('form-encoded body, Bearer auth, and query-string parameters (GET webhooks)', async () => {
    const { app, producer } = build();
    const form = await app.inject({
      method: 'POST', url: webhookUrl('acme', null), headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'cdr_id=c-1&caller=%2B380671234567&disposition=NO+ANSWER&call_type=in',
    });
    assert.equal(form.statusCode, 202, form.body);
    const get = await app.inject({ method: 'GET', url: `${webhookUrl()}&call_id=c-2&caller=+380671234567&disposition=BUSY&utm_source=google` });
    assert.equal(get.statusCode, 202, get.body);
    const [first, second] = producer.sent.map((r) => JSON.parse(String(r.messages[0]?.value)) as { clientNumber: string; disposition: string; raw: Record<string, unknown>; source?: Record<string, string> });
    assert.deepEqual([first?.clientNumber, first?.disposition], ['+380671234567', 'no_answer']);
    assert.deepEqual([second?.clientNumber, second?.disposition, second?.source?.utmSource], ['+380671234567', 'busy', 'google']);
    assert.equal('token' in (second?.raw ?? {}), false);
  });

  void it('the event type from ?event= or the route; ringing needs no disposition', async () => {
    const { app, producer } = build();
    const body = { uniqueid: 'ua-2', caller: '380671234567' };
    assert.equal((await app.inject({ method: 'POST', url: webhookUrl('acme', TOKEN, '&event=ringing'), payload: body })).statusCode, 202);
    assert.equal((await app.inject({ method: 'POST', url: `/v1/projects/acme/ringostat-webhook/answered?token=${TOKEN}`, payload: body })).statusCode, 202);
    assert.deepEqual(producer.sent.map((r) => (JSON.parse(String(r.messages[0]?.value)) as { type: string }).type), ['call.ringing', 'call.answered']);
  });

  void it('warnings about dropped optional fields come back with the 202', async () => {
    const { app } = build();
    const res = await app.inject({ method: 'POST', url: webhookUrl(), payload: { ...payload, billsec: 'n/a', disposition: 'ANSWERED' } });
    assert.equal(res.statusCode, 202);
    assert.deepEqual((res.json() as { warnings: Array<{ field: string }> }).warnings.map((w) => w.field), ['billsec']);
  });
});

void describe('ringostat-webhook: refusals (R5)', () => {
  void it('401 without a token, with a wrong one, and with another project\'s', async () => {
    const { app, producer } = build();
    for (const url of [webhookUrl('acme', null), webhookUrl('acme', 'wrong-token-0123456789'), webhookUrl('acme', OTHER_TOKEN)]) {
      const res = await app.inject({ method: 'POST', url, payload });
      assert.equal(res.statusCode, 401, url);
      assert.equal((res.json() as { error: string }).error, 'unauthorized');
      assert.equal(res.headers['www-authenticate'], 'Bearer');
    }
    const badBearer = await app.inject({ method: 'POST', url: webhookUrl('acme', null), headers: { authorization: 'Bearer nope' }, payload });
    assert.equal(badBearer.statusCode, 401);
    assert.equal(producer.sent.length, 0);
  });

  void it('404 for an unknown project, 403 for a project without ingestToken', async () => {
    const { app } = build();
    const unknown = await app.inject({ method: 'POST', url: webhookUrl('ghost'), payload });
    assert.equal(unknown.statusCode, 404);
    assert.equal((unknown.json() as { error: string }).error, 'unknown_project');
    const closed = await app.inject({ method: 'POST', url: webhookUrl('closed'), payload });
    assert.equal(closed.statusCode, 403);
    assert.match((closed.json() as { reason: string }).reason, /ingestToken/);
  });

  void it('400 naming the field for an invalid payload', async () => {
    const { app } = build();
    const noId = await app.inject({ method: 'POST', url: webhookUrl(), payload: { caller: '380671234567', disposition: 'ANSWERED' } });
    assert.equal(noId.statusCode, 400);
    assert.deepEqual(noId.json(), { error: 'invalid_payload', field: 'uniqueid', reason: 'the call id is required (uniqueid, cdr_id or call_id)' });
    const badType = await app.inject({ method: 'POST', url: webhookUrl(), payload: { ...payload, call_type: 'diagonal' } });
    assert.equal((badType.json() as { field: string }).field, 'call_type');
    const noDisposition = await app.inject({ method: 'POST', url: webhookUrl(), payload: { uniqueid: 'u', caller: '380671234567' } });
    assert.equal((noDisposition.json() as { field: string }).field, 'disposition');
  });

  void it('400 for a body that is not JSON, or not an object', async () => {
    const { app } = build();
    const broken = await app.inject({ method: 'POST', url: webhookUrl(), headers: { 'content-type': 'application/json' }, payload: '{"uniqueid": ' });
    assert.equal(broken.statusCode, 400);
    assert.equal((broken.json() as { error: string }).error, 'invalid_body');
    const array = await app.inject({ method: 'POST', url: webhookUrl(), payload: [payload] });
    assert.equal(array.statusCode, 400);
    assert.equal((array.json() as { field: string }).field, '(body)');
  });

  void it('413 for a body over 256 KB', async () => {
    const { app, producer } = build();
    const res = await app.inject({ method: 'POST', url: webhookUrl(), payload: { ...payload, padding: 'x'.repeat(300 * 1024) } });
    assert.equal(res.statusCode, 413);
    assert.equal((res.json() as { error: string }).error, 'payload_too_large');
    assert.equal(producer.sent.length, 0);
  });

  void it('a large payload under the body limit still fits the dispatcher\'s 256 KB: raw is dropped first', async () => {
    const { app, producer } = build();
    const res = await app.inject({ method: 'POST', url: webhookUrl(), payload: { ...payload, note: 'x'.repeat(200 * 1024) } });
    assert.equal(res.statusCode, 202, res.body);
    assert.deepEqual((res.json() as { warnings: Array<{ field: string }> }).warnings.map((w) => w.field), ['(body)']);
    const value = String(producer.sent[0]?.messages[0]?.value);
    assert.ok(Buffer.byteLength(value) <= 256 * 1024);
    assert.equal('raw' in (JSON.parse(value) as object), false);
  });

  void it('429 past the project\'s rate, per project; Retry-After says when', async () => {
    let now = 0;
    const { app } = build({ rateLimits: { ingest: { perSecond: 1, burst: 2 } }, now: () => now });
    const post = (project = 'acme', token = TOKEN) => app.inject({ method: 'POST', url: webhookUrl(project, token), payload });
    assert.equal((await post()).statusCode, 202);
    assert.equal((await post()).statusCode, 202);
    const limited = await post();
    assert.equal(limited.statusCode, 429);
    assert.equal(limited.headers['retry-after'], '1');
    assert.equal((await post('beta', OTHER_TOKEN)).statusCode, 202, 'another project has its own bucket');
    now += 1000;
    assert.equal((await post()).statusCode, 202);
  });

  void it('503 when Kafka does not take the event (Ringostat shows it as a failed webhook)', async () => {
    const { app } = build({ producer: fakeProducer(true) });
    const res = await app.inject({ method: 'POST', url: webhookUrl(), payload });
    assert.equal(res.statusCode, 503);
    assert.equal((res.json() as { error: string }).error, 'unavailable');
  });

  void it('404 JSON for an unknown path', async () => {
    const { app } = build();
    const res = await app.inject({ method: 'GET', url: '/v2/whatever' });
    assert.equal(res.statusCode, 404);
    assert.equal((res.json() as { error: string }).error, 'not_found');
  });
});

void describe('responsible: smart forwarding (F1, docs/contracts.md §5)', () => {
  const url = (query: string, project = 'acme') => `/v1/projects/${project}/responsible?token=${TOKEN}&${query}`;

  void it('JSON: the employee, the destination and the match', async () => {
    const { app } = build();
    const res = await app.inject({ method: 'GET', url: url('phone=%2B380931234567') });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { employee: OLENA.employee, destination: 'olena_sip', matched: { entity: 'lead', id: 11 } });
    assert.equal(res.headers['x-routing-result'], 'matched');
  });

  void it('JSON none: { employee: null, destination: null }', async () => {
    const { app } = build();
    const res = await app.inject({ method: 'GET', url: url('phone=0501112233') });
    assert.deepEqual(res.json(), { employee: null, destination: null });
    assert.equal(res.headers['x-routing-result'], 'not-found');
  });

  void it('format=text: the destination as the body, or an empty body', async () => {
    const { app } = build();
    const hit = await app.inject({ method: 'GET', url: url('phone=%2B380931234567&format=text') });
    assert.equal(hit.statusCode, 200);
    assert.match(String(hit.headers['content-type']), /^text\/plain/);
    assert.equal(hit.body, 'olena_sip');
    const miss = await app.inject({ method: 'GET', url: url('phone=0501112233&format=text') });
    assert.equal(miss.statusCode, 200);
    assert.equal(miss.body, '');
  });

  void it('POST with the number in a JSON or form body, under Ringostat\'s parameter names; an unencoded + survives', async () => {
    const { app, responsible } = build();
    const json = await app.inject({ method: 'POST', url: `/v1/projects/acme/responsible?format=text`, headers: { authorization: `Bearer ${TOKEN}` }, payload: { caller: '+380931234567' } });
    assert.equal(json.body, 'olena_sip');
    const form = await app.inject({
      method: 'POST', url: `/v1/projects/acme/responsible?token=${TOKEN}`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'number=%2B380931234567',
    });
    assert.equal((form.json() as { destination: string }).destination, 'olena_sip');
    const rawPlus = await app.inject({ method: 'GET', url: url('phone=+380931234567&format=text') });
    assert.equal(rawPlus.body, 'olena_sip');
    assert.deepEqual(responsible.asked.map(([, phone]) => phone), ['+380931234567', '+380931234567', '+380931234567']);
  });

  void it('400 without a number; 401 without the token; 404 unknown project', async () => {
    const { app } = build();
    const noPhone = await app.inject({ method: 'GET', url: url('format=text') });
    assert.equal(noPhone.statusCode, 400);
    assert.equal((noPhone.json() as { field: string }).field, 'phone');
    assert.equal((await app.inject({ method: 'GET', url: '/v1/projects/acme/responsible?phone=1' })).statusCode, 401);
    assert.equal((await app.inject({ method: 'GET', url: url('phone=1', 'ghost') })).statusCode, 404);
    assert.equal((await app.inject({ method: 'GET', url: url('phone=1&format=xml') })).statusCode, 400);
  });
});

void describe('healthz, metrics, logs', () => {
  void it('/healthz answers ok', async () => {
    const { app } = build();
    const res = await app.inject({ method: 'GET', url: '/healthz' });
    assert.deepEqual([res.statusCode, res.json()], [200, { status: 'ok' }]);
  });

  void it('/metrics counts requests, ingest outcomes by reason and routing answers by result', async () => {
    const { app } = build();
    await app.inject({ method: 'POST', url: webhookUrl(), payload });
    await app.inject({ method: 'POST', url: webhookUrl('acme', 'wrong-token-0123456789'), payload });
    await app.inject({ method: 'POST', url: webhookUrl(), payload: { caller: '1' } });
    await app.inject({ method: 'GET', url: `/v1/projects/acme/responsible?token=${TOKEN}&phone=%2B380931234567` });
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^text\/plain/);
    const text = res.body;
    assert.match(text, /ringostat_bridge_ingest_webhooks_total\{project="acme",outcome="accepted",reason="ok"\} 1/);
    assert.match(text, /ringostat_bridge_ingest_webhooks_total\{project="acme",outcome="rejected",reason="unauthorized"\} 1/);
    assert.match(text, /ringostat_bridge_ingest_webhooks_total\{project="acme",outcome="rejected",reason="invalid_payload"\} 1/);
    assert.match(text, /ringostat_bridge_routing_answers_total\{project="acme",result="matched"\} 1/);
    assert.match(text, /ringostat_bridge_http_requests_total\{method="POST",route="\/v1\/projects\/:projectId\/ringostat-webhook",status="202"\} 1/);
    assert.match(text, /ringostat_bridge_http_request_duration_seconds_bucket/);
    assert.match(text, /process_cpu_user_seconds_total/);
  });

  void it('no log line ever holds a token (R4)', async () => {
    const { app, lines } = build();
    await app.inject({ method: 'POST', url: webhookUrl(), payload });
    await app.inject({ method: 'POST', url: webhookUrl('acme', `${TOKEN}x`), payload });
    await app.inject({ method: 'GET', url: `/v1/projects/acme/responsible?token=${TOKEN}&phone=1` });
    await app.inject({ method: 'POST', url: webhookUrl('acme', null), headers: { authorization: `Bearer ${TOKEN}` }, payload: '{' });
    const { app: failing, lines: failingLines } = build({ producer: fakeProducer(true) });
    await failing.inject({ method: 'POST', url: webhookUrl(), payload });
    const all = [...lines, ...failingLines].join('');
    assert.ok(all.length > 0, 'requests were logged');
    assert.equal(all.includes(TOKEN), false);
    assert.equal(all.includes('token='), false);
  });
});
