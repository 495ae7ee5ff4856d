/**
 * B5 end to end on the wire: Ringostat-style webhooks over real HTTP into the ingest endpoint,
 * published to the real Kafka of the test stack, read back by a consumer. The messages are
 * keyed `{projectId}:{callId}` (one partition per call), decode as the dispatcher decodes them,
 * and a resent webhook carries the same eventId (the workflow's dedup key, R1).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Admin, Consumer, Producer } from 'kafkajs';
import { decodeEvent } from '../../dispatcher/decode-event';
import { buildHttpServer } from '../../http/http-app';
import { createKafka } from '../../platform/kafka';
import { createLogger } from '../../platform/logger';
import { bridgeConfigSchema } from '../../schemas/project-config';
import { stackEnv } from '../../tools/testkit/stack-env';

const TOKEN = 'ingest-token-0123456789';
const logger = createLogger({ level: 'error' });
const config = bridgeConfigSchema.parse({
  projects: [{ id: 'ingest', bitrix24: { webhookUrl: 'https://ingest.bitrix24.ua/rest/1/secretsecret/' }, seniorManager: 1, ingestToken: TOKEN }],
});

interface Received {
  partition: number;
  key: string;
  value: string;
}

void describe('webhook ingest → Kafka (B5)', () => {
  const kafka = createKafka({ brokers: stackEnv().kafkaBrokers, clientId: 'http-ingest-test', logger });
  const topic = `test.http-ingest.${randomUUID()}`;
  let admin: Admin;
  let producer: Producer;
  let consumer: Consumer;
  let base: string;
  let close: () => Promise<void>;
  const received: Received[] = [];

  before(async () => {
    admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 3, replicationFactor: 1 }], waitForLeaders: true });
    producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    const app = buildHttpServer({
      config, producer, topic, logger,
      responsible: { resolve: async () => ({ result: 'not-found', cached: false, employee: null, destination: null }), invalidate() {} },
    });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
    close = () => app.close();
    consumer = kafka.consumer({ groupId: `http-ingest-${randomUUID()}`, maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        received.push({ partition, key: String(message.key), value: String(message.value) });
      },
    });
  });

  after(async () => {
    await close?.();
    await consumer?.disconnect();
    await producer?.disconnect();
    await admin?.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin?.disconnect();
  });

  async function waitFor(count: number, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (received.length < count) {
      if (Date.now() > deadline) throw new Error(`got ${received.length} of ${count} messages within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  void it('ringing, then the after-call webhook (form-encoded), then its resend: same call, same partition, dedup ids', async () => {
    const callId = `ua-${Date.now()}.42`;
    const ringing = await fetch(`${base}/v1/projects/ingest/ringostat-webhook?token=${TOKEN}&event=ringing`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ uniqueid: callId, caller: '380671234567', dst: '380441112233', call_type: 'in', calldate: '2025-03-14 10:15:30' }),
    });
    assert.equal(ringing.status, 202, await ringing.clone().text());

    const form = new URLSearchParams({
      uniqueid: callId, caller: '+380671234567', dst: '380441112233', call_type: 'in', disposition: 'ANSWERED', billsec: '61', waittime: '4',
      employee_number: '101', employee_fio: 'Olena Koval', utm_source: 'google', pool_name: 'Контекстная реклама', refferrer: 'https://www.google.com/',
      recording: 'https://app.ringostat.com/records/x.mp3',
    }).toString();
    const ended = await fetch(`${base}/v1/projects/ingest/ringostat-webhook`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Bearer ${TOKEN}` }, body: form,
    });
    assert.equal(ended.status, 202, await ended.clone().text());
    const resent = await fetch(`${base}/v1/projects/ingest/ringostat-webhook`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Bearer ${TOKEN}` }, body: form,
    });
    assert.equal(resent.status, 202);

    await waitFor(3);
    const mine = received.filter((m) => m.key === `ingest:${callId}`);
    assert.equal(mine.length, 3, 'every message keyed {projectId}:{callId}');
    assert.equal(new Set(mine.map((m) => m.partition)).size, 1, 'one call, one partition');

    const events = mine.map((m) => {
      const decoded = decodeEvent(Buffer.from(m.value), config);
      if (!decoded.ok) assert.fail(`the dispatcher would dead-letter it: ${decoded.reason} ${decoded.detail}`);
      return decoded.envelope;
    });
    assert.deepEqual(events.map((e) => e.event.type), ['call.ringing', 'call.ended', 'call.ended']);
    assert.equal(events[1]?.event.eventId, events[2]?.event.eventId, 'a resent webhook reuses its eventId');
    assert.notEqual(events[0]?.event.eventId, events[1]?.event.eventId);
    const end = events[1]!;
    assert.equal(end.clientE164, '+380671234567');
    assert.equal(end.event.disposition, 'answered');
    assert.equal(end.event.talkSeconds, 61);
    assert.deepEqual(end.event.employee, { staffId: '101', name: 'Olena Koval' });
    assert.deepEqual(end.event.source, { utmSource: 'google', poolName: 'Контекстная реклама', referrer: 'https://www.google.com/' });
    assert.equal(end.event.recordingUrl, 'https://app.ringostat.com/records/x.mp3');
    for (const m of mine) assert.equal(m.value.includes(TOKEN), false, 'the token never reaches Kafka (R4)');
  });

  void it('a refused webhook publishes nothing', async () => {
    const before = received.length;
    const res = await fetch(`${base}/v1/projects/ingest/ringostat-webhook?token=${TOKEN}`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ caller: '380671234567' }),
    });
    assert.equal(res.status, 400);
    assert.deepEqual(await res.json(), { error: 'invalid_payload', field: 'uniqueid', reason: 'the call id is required (uniqueid, cdr_id or call_id)' });
    const unauthorized = await fetch(`${base}/v1/projects/ingest/ringostat-webhook?token=nope`, { method: 'POST', body: 'uniqueid=1&caller=380671234567&disposition=BUSY', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(unauthorized.status, 401);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    assert.equal(received.length, before);
  });
});
