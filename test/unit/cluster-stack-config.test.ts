/**
 * Issue 18 (E1, E2): the pure parts of the cluster stack and its fault test — the Temporal config
 * every service reads, the Kafka cluster's settings, and the latency rule of the fault test.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { CLUSTER_HISTORY_SHARDS, TEMPORAL_SERVICES, clusterDynamicConfig, temporalClusterConfig } from '../../tools/infra/cluster/temporal-config';
import { KAFKA_CLUSTER_BROKER_SETTINGS, KAFKA_CLUSTER_REPLICATION } from '../../tools/infra/cluster/kafka-cluster-config';
import { judgeLatencies, latencyByFault } from '../../tools/testkit/fault-windows';

/** The parts of Temporal's server config this test reads. */
interface ServerConfig {
  services: Record<string, { rpc: { membershipPort: number } }>;
  persistence: { numHistoryShards: number; datastores: Record<string, { sql: { pluginName: string; connectAddr: string } }> };
  publicClient: { hostPort: string };
}

describe('E1 cluster stack configuration', () => {
  const ports = {
    frontend: { grpc: 7233, membership: 26933, http: 7243 },
    history: { grpc: 7234, membership: 26934 },
    matching: { grpc: 7235, membership: 26935 },
    worker: { grpc: 7239, membership: 26939 },
  };
  const config = parse(temporalClusterConfig({
    host: '127.0.0.1', ports, dynamicConfigFile: '/tmp/dc.yaml',
    postgres: { host: '127.0.0.1', port: 5433, user: 'temporal', password: 'temporal' },
  })) as ServerConfig;

  it('one file for the four services, on PostgreSQL with SQL visibility and the documented shard count', () => {
    assert.deepEqual(Object.keys(config.services).sort(), [...TEMPORAL_SERVICES].sort());
    assert.equal(config.persistence.numHistoryShards, CLUSTER_HISTORY_SHARDS);
    for (const store of ['default', 'visibility']) {
      assert.equal(config.persistence.datastores[store]?.sql.pluginName, 'postgres12');
      assert.equal(config.persistence.datastores[store]?.sql.connectAddr, '127.0.0.1:5433');
    }
    assert.equal(config.publicClient.hostPort, '127.0.0.1:7233', 'the worker service reaches the frontend');
    for (const name of TEMPORAL_SERVICES) assert.ok((config.services[name]?.rpc.membershipPort ?? 65535) < 32768, `${name}: membership port fits a smallint`);
  });

  it('a dynamic config the server can read: every key has a list of values', () => {
    const dynamic = parse(clusterDynamicConfig({ 'matching.numTaskqueueReadPartitions': '1' })) as Record<string, Array<{ value: unknown }>>;
    assert.equal(dynamic['system.forceSearchAttributesCacheRefreshOnRead']?.[0]?.value, true);
    assert.equal(dynamic['matching.numTaskqueueReadPartitions']?.[0]?.value, 1, 'the partitions it is given');
    for (const [key, values] of Object.entries(dynamic)) assert.ok(Array.isArray(values) && values.length === 1, key);
  });

  it('Kafka: replication factor 3, min.insync.replicas 2, no unclean leader election, no topic auto-creation', () => {
    assert.deepEqual(KAFKA_CLUSTER_REPLICATION, { replicationFactor: 3, minInsyncReplicas: 2 });
    assert.equal(KAFKA_CLUSTER_BROKER_SETTINGS['default.replication.factor'], '3');
    assert.equal(KAFKA_CLUSTER_BROKER_SETTINGS['min.insync.replicas'], '2');
    assert.equal(KAFKA_CLUSTER_BROKER_SETTINGS['unclean.leader.election.enable'], 'false');
    assert.equal(KAFKA_CLUSTER_BROKER_SETTINGS['auto.create.topics.enable'], 'false');
  });
});

describe('E2 the fault test\'s latency rule', () => {
  const faults = [{ name: 'kafka', startedAt: 100_000, endedAt: 120_000 }, { name: 'history', startedAt: 200_000, endedAt: 240_000 }];

  it('a call is allowed a minute plus every fault it overlapped', () => {
    const [quiet, throughKafka, throughBoth] = judgeLatencies([
      { callId: 'quiet', publishedAt: 10_000, closedAt: 12_000 },
      { callId: 'kafka', publishedAt: 110_000, closedAt: 150_000 },
      { callId: 'both', publishedAt: 115_000, closedAt: 245_000 },
    ], faults);
    assert.deepEqual(quiet, { callId: 'quiet', latencyMs: 2_000, allowedMs: 60_000, faults: [] });
    assert.deepEqual(throughKafka?.faults, ['kafka']);
    assert.equal(throughKafka?.allowedMs, 80_000);
    assert.deepEqual(throughBoth?.faults, ['kafka', 'history']);
    assert.equal(throughBoth?.allowedMs, 120_000);
    assert.ok((throughBoth?.latencyMs ?? 0) > (throughBoth?.allowedMs ?? 0), 'a call 130 s late over 60 s of faults is too late');
  });

  it('per fault: the calls it touched and their longest latency', () => {
    const verdicts = judgeLatencies([{ callId: 'a', publishedAt: 110_000, closedAt: 130_000 }], faults);
    assert.deepEqual(latencyByFault(verdicts, faults), [
      { name: 'kafka', downMs: 20_000, calls: 1, maxLatencyMs: 20_000 },
      { name: 'history', downMs: 40_000, calls: 0, maxLatencyMs: 0 },
    ]);
  });
});
