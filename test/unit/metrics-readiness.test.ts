/**
 * docs/contracts.md §5: /readyz answers 200 when every registered part is ready and 503 naming the
 * failing one otherwise; `ringostat_bridge_ready{check}` exports the same for alerts; a part that
 * dies for good ends the process (exitOnFatal). Also the consumer-lag arithmetic.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { buildHttpServer } from '../../http/http-app';
import { createLogger } from '../../platform/logger';
import { consumerLag } from '../../observability/consumer-lag';
import { exitOnFatal } from '../../observability/exit-on-fatal';
import { createReadiness } from '../../observability/readiness';
import { bridgeConfigSchema } from '../../schemas/project-config';

const quiet = createLogger({ level: 'silent' });
const config = bridgeConfigSchema.parse({
  projects: [{ id: 'acme', bitrix24: { webhookUrl: 'https://acme.bitrix24.ua/rest/1/secretsecret/' }, seniorManager: 1 }],
});

function server(readiness = createReadiness()) {
  return buildHttpServer({
    config,
    producer: { send: async () => [] }, topic: 't', logger: quiet, readiness,
    responsible: { resolve: async () => ({ result: 'not-found', cached: false, employee: null, destination: null }), invalidate() {} },
  });
}

void describe('readiness checks', () => {
  void it('true is ready; false, a reason, a throw and a timeout are not, each with its reason', async () => {
    const readiness = createReadiness({ timeoutMs: 50 });
    readiness.register('worker', () => true);
    readiness.register('dispatcher', () => false);
    readiness.register('kafka', () => 'no broker in the cluster');
    readiness.register('temporal', async () => { throw new Error('connect ECONNREFUSED 127.0.0.1:7233'); });
    readiness.register('slow', () => new Promise<boolean>(() => undefined));
    const report = await readiness.evaluate();
    assert.equal(report.ready, false);
    assert.deepEqual(report.checks, {
      worker: { ok: true },
      dispatcher: { ok: false, reason: 'not ready' },
      kafka: { ok: false, reason: 'no broker in the cluster' },
      temporal: { ok: false, reason: 'connect ECONNREFUSED 127.0.0.1:7233' },
      slow: { ok: false, reason: 'no answer within 50 ms' },
    });
  });

  void it('register replaces a check of the same name; its remover removes only its own', async () => {
    const readiness = createReadiness();
    const removeOld = readiness.register('worker', () => false);
    readiness.register('worker', () => true);
    removeOld();
    assert.deepEqual(readiness.names(), ['worker']);
    assert.equal((await readiness.evaluate()).ready, true);
  });

  void it('ringostat_bridge_ready{check} is 1 or 0 per check, evaluated on scrape', async () => {
    const registry = new Registry();
    const readiness = createReadiness({ registry });
    let workerUp = true;
    readiness.register('worker', () => workerUp);
    assert.match(await registry.metrics(), /ringostat_bridge_ready\{check="worker"\} 1/);
    workerUp = false;
    assert.match(await registry.metrics(), /ringostat_bridge_ready\{check="worker"\} 0/);
  });
});

void describe('GET /healthz and /readyz (docs/contracts.md §5)', () => {
  void it('/readyz: 200 when all parts are ready, 503 naming the failing part', async () => {
    const readiness = createReadiness();
    let kafkaUp = true;
    readiness.register('worker', () => true);
    readiness.register('kafka', () => kafkaUp || 'no broker in the cluster');
    const app = server(readiness);
    const ok = await app.inject({ url: '/readyz' });
    assert.equal(ok.statusCode, 200);
    assert.deepEqual(ok.json(), { status: 'ready', failing: [], checks: { worker: { ok: true }, kafka: { ok: true } } });
    kafkaUp = false;
    const down = await app.inject({ url: '/readyz' });
    assert.equal(down.statusCode, 503);
    assert.deepEqual(down.json(), {
      status: 'not-ready', failing: ['kafka'], checks: { worker: { ok: true }, kafka: { ok: false, reason: 'no broker in the cluster' } },
    });
    // Alive all the same: /healthz is for "restart me", /readyz for "send me no work".
    assert.equal((await app.inject({ url: '/healthz' })).statusCode, 200);
  });

  void it('/metrics appends the extra sources (process registry, SDK exporter)', async () => {
    const app = buildHttpServer({
      config, producer: { send: async () => [] }, topic: 't', logger: quiet,
      responsible: { resolve: async () => ({ result: 'not-found', cached: false, employee: null, destination: null }), invalidate() {} },
      metricsExtras: [async () => '# TYPE extra_one gauge\nextra_one 1\n', async () => ''],
    });
    const text = (await app.inject({ url: '/metrics' })).body;
    assert.match(text, /ringostat_bridge_http_requests_total/);
    assert.match(text, /^extra_one 1$/m);
  });
});

void describe('exitOnFatal', () => {
  void it('exits 1 when the part fails, and does nothing when it stops normally', async () => {
    const codes: number[] = [];
    exitOnFatal(quiet, 'worker', Promise.reject(new Error('worker died')), (code) => codes.push(code));
    exitOnFatal(quiet, 'dispatcher', Promise.resolve(), (code) => codes.push(code));
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(codes, [1]);
  });
});

void describe('consumer lag', () => {
  void it('end offset minus the committed one; a partition never committed counts from its start', async () => {
    const admin = {
      fetchTopicOffsets: async () => [
        { partition: 1, offset: '40', high: '40', low: '0' },
        { partition: 0, offset: '10', high: '10', low: '2' },
        { partition: 2, offset: '7', high: '7', low: '5' },
      ],
      fetchOffsets: async () => [{ topic: 'events', partitions: [{ partition: 0, offset: '10', metadata: null }, { partition: 1, offset: '25', metadata: null }, { partition: 2, offset: '-1', metadata: null }] }],
    };
    assert.deepEqual(await consumerLag(admin, 'group', 'events'), [
      { partition: 0, lag: 0 }, { partition: 1, lag: 15 }, { partition: 2, lag: 2 },
    ]);
  });
});
