/**
 * docs/contracts.md §5: /readyz is 200 while the dispatcher consumes and Temporal and Kafka answer, and
 * 503 naming the failing part when Kafka or Temporal is stopped. **(issue 18, E6)** The kafka and
 * temporal checks carry the cluster's health as their `detail`: the brokers listed against the
 * configured ones, the controller, the call-events topic's partitions (none offline or
 * under-replicated), the frontend and the members of each Temporal service, read from the real
 * servers through AdminService.DescribeCluster. This file starts its own Kafka broker and
 * Temporal dev server (the shared ones stay up for the other tests) and stops them.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { createDispatcher, type Dispatcher } from '../../dispatcher/kafka-dispatcher';
import { buildHttpServer } from '../../http/http-app';
import { startKafkaBroker, type KafkaBroker } from '../../tools/infra/kafka-broker';
import { freePorts } from '../../platform/ports';
import { startTemporalDevServer, type TemporalDevServer } from '../../tools/infra/temporal-server';
import { createKafka } from '../../platform/kafka';
import { createLogger } from '../../platform/logger';
import { startObservability, type RunningObservability } from '../../observability/bridge-observability';
import { createReadiness } from '../../observability/readiness';
import type { KafkaHealth, TemporalHealth } from '../../observability/cluster-health';
import { bridgeConfigSchema } from '../../schemas/project-config';
import { waitFor } from '../../tools/testkit/wait-for';

const logger = createLogger({ level: 'silent' });
const config = bridgeConfigSchema.parse({
  projects: [{ id: 'ready', bitrix24: { webhookUrl: 'https://ready.bitrix24.ua/rest/1/secretsecret/' }, seniorManager: 1 }],
});
const TOPIC = 'readyz-events';

void describe('GET /readyz against real services (docs/contracts.md §5)', () => {
  let dataDir: string;
  let kafka: KafkaBroker;
  let temporal: TemporalDevServer;
  let connection: Connection;
  let dispatcher: Dispatcher;
  let observability: RunningObservability;
  let app: FastifyInstance;
  let removeDispatcherCheck: () => void;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'readyz-'));
    const [kafkaPort, controllerPort, temporalPort] = await freePorts(3);
    [kafka, temporal] = await Promise.all([
      startKafkaBroker({ dataDir: join(dataDir, 'kafka'), port: kafkaPort, controllerPort, log: () => undefined }),
      startTemporalDevServer({ dbFile: join(dataDir, 'temporal.db'), port: temporalPort!, headless: true }),
    ]);
    const kafkaClient = createKafka({ brokers: kafka.brokers, clientId: 'readyz-test', logger });
    const admin = kafkaClient.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 1 }, { topic: `${TOPIC}.dlq`, numPartitions: 1 }], waitForLeaders: true });
    await admin.disconnect();

    connection = await Connection.connect({ address: temporal.address });
    const client = new Client({ connection });
    const readiness = createReadiness();
    dispatcher = createDispatcher({ kafka: kafkaClient, temporal: client, config, logger, topic: TOPIC, dlqTopic: `${TOPIC}.dlq`, groupId: 'readyz' });
    await dispatcher.start();
    // What the composer (workers/bridge.ts) registers for the dispatcher; the worker's check is alike.
    removeDispatcherCheck = readiness.register('dispatcher', () => dispatcher.state() === 'consuming' || `dispatcher ${dispatcher.state()}`);
    observability = await startObservability({
      // As workers/run-bridge.ts makes it: quiet, no retries.
      temporal: client, kafka: createKafka({ brokers: kafka.brokers, clientId: 'readyz-observability', logger, quiet: true, retry: { retries: 0 } }), projectIds: ['ready'], topic: TOPIC, groupId: 'readyz', logger, readiness, intervalMs: 60_000,
      kafkaBrokers: kafka.brokers, topics: { callEvents: TOPIC, deadLetters: `${TOPIC}.dlq`, contactCards: `${TOPIC}-cards` },
    });
    app = buildHttpServer({
      config, producer: { send: async () => [] }, topic: TOPIC, logger, readiness,
      responsible: { resolve: async () => ({ result: 'not-found', cached: false, employee: null, destination: null }), invalidate() {} },
    });
  });
  after(async () => {
    await app?.close();
    await observability?.stop();
    await connection?.close().catch(() => undefined);
    await temporal?.stop();
    await kafka?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  const readyz = async () => {
    const res = await app.inject({ url: '/readyz' });
    return { status: res.statusCode, body: res.json() as { status: string; failing: string[]; checks: Record<string, { ok: boolean; reason?: string; detail?: unknown }> } };
  };

  void it('200 with every part ready, the kafka and temporal checks with the cluster\'s health', async () => {
    const { status, body } = await waitFor('the dispatcher to join its group', async () => {
      const r = await readyz();
      return r.status === 200 && r;
    });
    assert.equal(status, 200);
    assert.equal(body.status, 'ready');
    assert.deepEqual(body.failing, []);
    assert.deepEqual(Object.keys(body.checks).sort(), ['dispatcher', 'kafka', 'temporal']);
    assert.deepEqual(body.checks.dispatcher, { ok: true });

    const kafkaCheck = body.checks.kafka!;
    assert.equal(kafkaCheck.ok, true);
    assert.equal(kafkaCheck.reason, undefined);
    const kafkaHealth = kafkaCheck.detail as KafkaHealth & { observedAt: string };
    assert.deepEqual(kafkaHealth.brokers, { configured: kafka.brokers, listed: [{ nodeId: 1, address: kafka.brokers[0] }], notListed: [] });
    assert.equal(kafkaHealth.controller, 1);
    assert.deepEqual(kafkaHealth.topics.map((t) => [t.topic, t.state]), [[TOPIC, 'ok'], [`${TOPIC}.dlq`, 'ok'], [`${TOPIC}-cards`, 'missing']]);
    assert.deepEqual(kafkaHealth.topics[0], {
      topic: TOPIC, role: 'callEvents', state: 'ok', partitions: 1, replicationFactor: 1, minInsyncReplicas: 1, offline: 0, underReplicated: 0, underMinIsr: 0,
    });
    assert.deepEqual(kafkaHealth.problems, []);
    assert.deepEqual(kafkaHealth.warnings, [`topic ${TOPIC}-cards does not exist (the bridge creates it when it starts)`]);
    assert.ok(Date.now() - Date.parse(kafkaHealth.observedAt) < 60_000, kafkaHealth.observedAt);

    const temporalCheck = body.checks.temporal!;
    assert.equal(temporalCheck.ok, true);
    const temporalHealth = temporalCheck.detail as TemporalHealth;
    assert.equal(temporalHealth.address, temporal.address);
    assert.equal(temporalHealth.frontend, 'reachable');
    assert.match(temporalHealth.serverVersion ?? '', /^1\.\d+\.\d+/);
    assert.ok((temporalHealth.historyShardCount ?? 0) >= 1, `history shards: ${temporalHealth.historyShardCount}`);
    for (const service of ['frontend', 'history', 'matching', 'worker']) {
      assert.ok((temporalHealth.services?.[service]?.members ?? 0) >= 1, `${service} is a member: ${JSON.stringify(temporalHealth.services)}`);
    }
    assert.deepEqual(temporalHealth.problems, []);
  });

  void it('the health is read once per few seconds, not per probe', async () => {
    const observedAt = async () => ((await readyz()).body.checks.kafka!.detail as { observedAt: string }).observedAt;
    // Three probes a moment apart: a refresh may fall between two of them, not between both pairs.
    const [a, b, c] = [await observedAt(), await observedAt(), await observedAt()];
    assert.ok(a === b || b === c, `probes a moment apart share one read: ${a}, ${b}, ${c}`);
  });

  void it('503 naming kafka when Kafka is stopped, and temporal when Temporal is stopped too', async () => {
    // The consumer is stopped first: kafkajs's reconnect timers against a dead broker would keep the process alive.
    removeDispatcherCheck();
    await dispatcher.stop();
    await kafka.stop();
    const noKafka = await waitFor('kafka to be reported', async () => {
      const r = await readyz();
      return r.body.failing.includes('kafka') && r;
    });
    assert.equal(noKafka.status, 503);
    assert.equal(noKafka.body.status, 'not-ready');
    assert.equal(noKafka.body.checks.temporal?.ok, true);
    assert.match(noKafka.body.checks.kafka?.reason ?? '', /^no broker answers a metadata request/, 'the reason is given');

    await temporal.stop();
    const neither = await waitFor('temporal to be reported', async () => {
      const r = await readyz();
      return r.body.failing.includes('temporal') && r;
    });
    assert.equal(neither.status, 503);
    assert.ok(neither.body.failing.includes('kafka'));
    assert.match(neither.body.checks.temporal?.reason ?? '', new RegExp(`^Temporal's frontend at ${temporal.address} does not answer`));
    assert.equal((neither.body.checks.temporal?.detail as TemporalHealth).frontend, 'unreachable');
  });
});
