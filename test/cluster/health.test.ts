/**
 * Issue 18, E6 on the cluster stack: /readyz (through the bridge's own observability, as
 * workers/run-bridge.ts starts it) and the health reads behind `status` show the cluster as it
 * is, and /readyz fails only for what stops the bridge's work (observability/cluster-health.ts):
 *   - all up: three brokers listed, the call-events topic at replication 3 and min ISR 2 with no
 *     partition offline or under-replicated; Temporal on PostgreSQL with its shards and one
 *     member in each service;
 *   - a Kafka node SIGKILLed: its partitions under-replicated (still at min ISR), the node no
 *     longer listed — reported while /readyz stays 200 at every probe; a topic whose only replica
 *     was on that node has a partition without leader, which a bridge using it as its
 *     call-events topic reports as not ready (the other bridge stays ready: kafkajs cannot read
 *     the broker list while any topic has a leaderless partition, so the node shows as not listed
 *     once that topic is deleted); all clean again once the node is back;
 *   - Temporal's matching service SIGKILLed: gone from the membership (a problem for `status`),
 *     /readyz still 200; back when it is started again.
 *
 * Runs only on the cluster stack, after test/cluster/faults.test.ts in .ci/run:
 * `STACK=cluster npx tsx tools/testkit/run-tests.ts test/cluster/health.test.ts`.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import type { Admin } from 'kafkajs';
import { buildSharedServer } from '../../http/server/server';
import { startObservability, type RunningObservability } from '../../observability/bridge-observability';
import type { KafkaHealth, TemporalHealth } from '../../observability/cluster-health';
import { createClusterHealthMonitor, type ClusterHealthMonitor } from '../../observability/cluster-health-probe';
import { createReadiness } from '../../observability/readiness';
import { createKafka } from '../../platform/kafka';
import { createLogger } from '../../platform/logger';
import { bridgeConfigSchema } from '../../schemas/project-config';
import { CLUSTER_HISTORY_SHARDS } from '../../tools/infra/cluster/temporal-config';
import { waitForFullIsr } from '../../tools/infra/cluster/kafka-cluster';
import { connectTemporal, quietKafka } from '../../tools/testkit/bridge-process';
import { clusterControl, clusterControlUrl } from '../../tools/testkit/cluster-control';
import { stackEnv } from '../../tools/testkit/stack-env';
import { waitFor } from '../../tools/testkit/wait-for';

const logger = createLogger({ level: 'silent' });
const config = bridgeConfigSchema.parse({
  projects: [{ id: 'health', bitrix24: { webhookUrl: 'https://health.bitrix24.ua/rest/1/secretsecret/' }, seniorManager: 1 }],
});
/** The node the test kills: the highest id, so the busiest leader of the fault test is not assumed. */
const VICTIM = 3;

interface Readyz {
  status: number;
  body: { status: string; failing: string[]; checks: Record<string, { ok: boolean; reason?: string; detail?: unknown }> };
}

describe('cluster health in /readyz and status (issue 18, E6)', { skip: clusterControlUrl() ? false : 'needs STACK=cluster (STACK_CONTROL_URL)' }, () => {
  const suffix = randomUUID().slice(0, 8);
  const topic = `ch-events-${suffix}`;
  const dlqTopic = `${topic}.dlq`;
  /** One partition, its only replica on VICTIM: no leader while VICTIM is down. */
  const pinned = `ch-pinned-${suffix}`;
  const env = stackEnv();
  let client: Client;
  let closeTemporal: (() => Promise<void>) | undefined;
  let observability: RunningObservability | undefined;
  let app: FastifyInstance | undefined;
  let pinnedAdmin: Admin | undefined;
  let pinnedHealth: ClusterHealthMonitor;
  let victimAddress: string;

  before(async () => {
    ({ client, close: closeTemporal } = await connectTemporal(env.temporalAddress));
    const admin = quietKafka(env.kafkaBrokers).admin();
    await admin.connect();
    try {
      await admin.createTopics({
        topics: [
          // Replication and min ISR from the brokers' defaults (3 and 2: tools/infra/cluster/kafka-cluster-config.ts).
          { topic, numPartitions: 6 }, { topic: dlqTopic, numPartitions: 1 },
          { topic: pinned, replicaAssignment: [{ partition: 0, replicas: [VICTIM] }], configEntries: [{ name: 'min.insync.replicas', value: '1' }] },
        ],
        waitForLeaders: false,
      });
    } finally {
      await admin.disconnect();
    }
    await waitForFullIsr(env.kafkaBrokers, [topic, dlqTopic, pinned]);
    victimAddress = (await clusterControl.state()).kafka.find((n) => n.nodeId === VICTIM)!.address;

    // As workers/run-bridge.ts composes it: the observability's quiet client, the bridge's topics, KAFKA_BROKERS.
    const readiness = createReadiness();
    observability = await startObservability({
      temporal: client, kafka: createKafka({ brokers: env.kafkaBrokers, clientId: 'cluster-health-test', logger, quiet: true, retry: { retries: 0 } }),
      projectIds: [], topic, groupId: `ch-${suffix}`, logger, readiness, intervalMs: 60_000,
      kafkaBrokers: env.kafkaBrokers, topics: { callEvents: topic, deadLetters: dlqTopic },
    });
    app = buildSharedServer({ config, logger, readiness }, []);
    // A bridge whose call-events topic is the pinned one: what its /readyz would say (no cache, to see each change).
    pinnedAdmin = createKafka({ brokers: env.kafkaBrokers, clientId: 'cluster-health-pinned', logger, quiet: true, retry: { retries: 0 } }).admin();
    await pinnedAdmin.connect();
    pinnedHealth = createClusterHealthMonitor({ admin: pinnedAdmin, kafkaBrokers: env.kafkaBrokers, topics: { callEvents: pinned }, temporal: client.connection, ttlMs: 0 });
  });

  after(async () => {
    // A node or service a failed step left down is started again: the stack is shared with other files.
    await clusterControl.startKafkaNode(VICTIM).catch(() => undefined);
    await app?.close();
    await observability?.stop();
    await pinnedAdmin?.disconnect().catch(() => undefined);
    await closeTemporal?.();
  });

  const readyz = async (): Promise<Readyz> => {
    const res = await app!.inject({ url: '/readyz' });
    return { status: res.statusCode, body: res.json() as Readyz['body'] };
  };
  const kafkaOf = (r: Readyz) => r.body.checks.kafka!.detail as KafkaHealth;
  const temporalOf = (r: Readyz) => r.body.checks.temporal!.detail as TemporalHealth;
  const eventsOf = (r: Readyz) => {
    const found = kafkaOf(r).topics.find((t) => t.topic === topic);
    if (!found) process.stderr.write(`[cluster-health] /readyz ${r.status} without the topic: ${JSON.stringify(r.body.checks.kafka)}\n`);
    return found ?? { topic, role: 'callEvents', state: 'error' } as KafkaHealth['topics'][number];
  };

  it('all up: three brokers, replication 3 and min ISR 2 in sync, every Temporal service a member', async () => {
    const r = await waitFor('/readyz 200 with the cluster clean', async () => {
      const answer = await readyz();
      return answer.status === 200 && kafkaOf(answer).warnings.length === 0 && answer;
    });
    const kafka = kafkaOf(r);
    assert.deepEqual(kafka.brokers.listed.map((b) => b.address).sort(), [...env.kafkaBrokers].sort());
    assert.deepEqual(kafka.brokers.notListed, []);
    assert.notEqual(kafka.controller, null);
    assert.deepEqual(eventsOf(r), {
      topic, role: 'callEvents', state: 'ok', partitions: 6, replicationFactor: 3, minInsyncReplicas: 2, offline: 0, underReplicated: 0, underMinIsr: 0,
    });
    assert.deepEqual(kafka.problems, []);

    const temporal = temporalOf(r);
    assert.equal(temporal.frontend, 'reachable');
    assert.equal(temporal.serverVersion, '1.32.1');
    assert.equal(temporal.historyShardCount, CLUSTER_HISTORY_SHARDS);
    assert.match(temporal.persistenceStore ?? '', /postgres/);
    for (const service of ['frontend', 'history', 'matching', 'worker']) assert.equal(temporal.services?.[service]?.members, 1, JSON.stringify(temporal.services));
    assert.deepEqual(temporal.problems, []);
    assert.equal((await pinnedHealth.kafka()).notReady, undefined, 'the pinned topic has its leader');
  });

  it('a Kafka node down: under-replication reported while /readyz stays ready; a partition without leader is not ready', { timeout: 5 * 60_000 }, async () => {
    const seen: number[] = [];
    const probe = async () => {
      const r = await readyz();
      seen.push(r.status);
      return r;
    };
    await clusterControl.killKafkaNode(VICTIM);
    try {
      await nodeDown();
    } finally {
      await clusterControl.startKafkaNode(VICTIM);
    }
    await waitForFullIsr(env.kafkaBrokers, [topic, dlqTopic], 120_000);
    await waitFor('the cluster clean again', async () => {
      const r = await probe();
      return r.status === 200 && eventsOf(r).underReplicated === 0 && kafkaOf(r).brokers.listed.length === 3;
    }, 60_000);
    assert.deepEqual([...new Set(seen)], [200]);

    async function nodeDown(): Promise<void> {
      const degraded = await waitFor('the dead node\'s partitions under-replicated', async () => {
        const r = await probe();
        return eventsOf(r).underReplicated === 6 && r;
      }, 120_000);
      const events = eventsOf(degraded);
      assert.equal(events.offline, 0, 'every partition has a leader: an in-sync replica took over');
      assert.equal(events.underMinIsr, 0, 'two of three replicas are still in sync');
      assert.deepEqual(kafkaOf(degraded).problems, []);
      assert.ok(kafkaOf(degraded).warnings.some((w) => /6 partitions under-replicated \(ISR below 3 replicas, still at least min\.insync\.replicas=2\)/.test(w)), kafkaOf(degraded).warnings.join('\n'));

      const leaderless = await waitFor('the pinned topic without leader', async () => {
        const health = await pinnedHealth.kafka();
        return health.notReady !== undefined && health;
      }, 60_000);
      assert.match(leaderless.notReady!, new RegExp(`^topic ${pinned}: (a partition has|1 partition has) no leader`));
      assert.ok(leaderless.problems.includes(leaderless.notReady!), 'and status calls it a problem');
      process.stderr.write(`[cluster-health] pinned topic while its node is down: ${JSON.stringify(leaderless.topics[0])}\n`);
      // The bridge whose topics all have leaders stays ready though another topic has none (its broker list is unreadable meanwhile: kafkajs).
      const beside = await probe();
      process.stderr.write(`[cluster-health] beside it: ${beside.status} ${JSON.stringify(kafkaOf(beside).warnings)}\n`);

      // Without the leaderless topic the broker list reads again, without the dead node.
      const admin = quietKafka(env.kafkaBrokers).admin();
      await admin.connect();
      // kafkajs's deleteTopics first refreshes the metadata of its admin's known topics — all of
      // them when it knows none, which fails on the leaderless one: make it know a healthy one.
      await admin.fetchTopicOffsets(topic);
      await admin.deleteTopics({ topics: [pinned] }).finally(() => admin.disconnect());
      await waitFor('the dead node no longer listed', async () => kafkaOf(await probe()).brokers.notListed.includes(victimAddress), 60_000);

      // A few more probes while the node is down: none of them fails.
      for (let i = 0; i < 5; i += 1) {
        await probe();
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
      assert.deepEqual([...new Set(seen)], [200], `/readyz stayed ready through the node's death (${seen.length} probes)`);
    }
  });

  it('Temporal\'s matching service down: gone from the membership, a problem, /readyz still ready; back once started', { timeout: 5 * 60_000 }, async () => {
    const seen: number[] = [];
    // Held down 50 s (the control call returns once it runs again): ringpop drops a dead member within ~15 s.
    const outage = clusterControl.killTemporalService('matching', 50_000);
    const gone = await waitFor('matching gone from the membership', async () => {
      const r = await readyz();
      seen.push(r.status);
      return temporalOf(r).services?.matching?.members === 0 && r;
    }, 45_000);
    assert.deepEqual(temporalOf(gone).problems, ["no matching service in Temporal's cluster membership: it is down or cannot join"]);
    assert.equal(gone.status, 200);
    await outage;
    await waitFor('matching a member again', async () => {
      const r = await readyz();
      seen.push(r.status);
      return temporalOf(r).services?.matching?.members === 1;
    }, 60_000);
    assert.deepEqual([...new Set(seen)], [200], `/readyz stayed ready (${seen.length} probes)`);
  });
});
