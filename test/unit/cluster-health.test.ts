/**
 * E6 (docs/requirements.md §9): what the cluster's health makes of what was read — which states
 * make /readyz fail (no Kafka, the call-events topic missing or with a partition without leader,
 * Temporal's frontend silent), which only make `status` exit 3 (partitions without leader or
 * below min.insync.replicas on any bridge topic, a Temporal service without members), and which
 * are only shown (under-replication above min ISR, a configured broker not listed, a missing
 * side topic). Also: the AdminService.DescribeCluster decoder against bytes a protobuf encoder
 * writes, the few-seconds cache in front of the reads, and a readiness check's `detail`.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  judgeKafka, judgeTemporal, kafkaSummary, temporalSummary, type KafkaObservation, type PartitionInfo, type TemporalObservation,
} from '../../observability/cluster-health';
import { cachedFor } from '../../observability/cluster-health-probe';
import { createReadiness } from '../../observability/readiness';
import { decodeDescribeCluster, type DescribedCluster } from '../../platform/temporal-admin';

const BROKERS = ['127.0.0.1:9001', '127.0.0.1:9002', '127.0.0.1:9003'];
const listed = BROKERS.map((address, i) => ({ nodeId: i + 1, address }));

/** `n` partitions of replication 3, all in sync, led round-robin. */
function partitions(n: number, change: (p: PartitionInfo) => Partial<PartitionInfo> = () => ({})): PartitionInfo[] {
  return Array.from({ length: n }, (_, partition) => {
    const p = { partition, leader: (partition % 3) + 1, replicas: [1, 2, 3], isr: [1, 2, 3] };
    return { ...p, ...change(p) };
  });
}

function observation(overrides: Partial<KafkaObservation> = {}): KafkaObservation {
  return {
    configuredBrokers: BROKERS, brokers: listed, controller: 1,
    topics: [
      { topic: 'events', role: 'callEvents', state: 'ok', partitions: partitions(6), minInsyncReplicas: 2 },
      { topic: 'events.dlq', role: 'deadLetters', state: 'ok', partitions: partitions(1), minInsyncReplicas: 2 },
      { topic: 'cards', role: 'contactCards', state: 'ok', partitions: partitions(3), minInsyncReplicas: 2 },
    ],
    ...overrides,
  };
}

function withTopic(index: number, topic: KafkaObservation['topics'][number]): KafkaObservation {
  const o = observation();
  o.topics[index] = topic;
  return o;
}

void describe('Kafka cluster health (E6)', () => {
  void it('a healthy cluster: every broker listed, nothing offline or under-replicated, ready', () => {
    const health = judgeKafka(observation());
    assert.deepEqual(health.problems, []);
    assert.deepEqual(health.warnings, []);
    assert.equal(health.notReady, undefined);
    assert.deepEqual(health.brokers.notListed, []);
    assert.deepEqual(health.topics[0], {
      topic: 'events', role: 'callEvents', state: 'ok', partitions: 6, replicationFactor: 3, minInsyncReplicas: 2, offline: 0, underReplicated: 0, underMinIsr: 0,
    });
    assert.equal(kafkaSummary(health),
      '3 brokers [1@127.0.0.1:9001 2@127.0.0.1:9002 3@127.0.0.1:9003], controller 1; events: 6 partitions, RF 3, min ISR 2, 0 offline, 0 under-replicated; ' +
      'events.dlq: 1 partition, RF 3, min ISR 2, 0 offline, 0 under-replicated; cards: 3 partitions, RF 3, min ISR 2, 0 offline, 0 under-replicated');
  });

  void it('a broker down: its partitions under-replicated but at min ISR are a warning, not a problem, and /readyz stays ready', () => {
    const o = observation({ brokers: listed.slice(0, 2) });
    o.topics[0] = { topic: 'events', role: 'callEvents', state: 'ok', minInsyncReplicas: 2, partitions: partitions(6, (p) => ({ isr: [1, 2], leader: p.leader === 3 ? 1 : p.leader })) };
    const health = judgeKafka(o);
    assert.equal(health.notReady, undefined);
    assert.deepEqual(health.problems, []);
    assert.deepEqual(health.brokers.notListed, ['127.0.0.1:9003']);
    assert.deepEqual(health.warnings, [
      'configured brokers the cluster does not list: 127.0.0.1:9003 (down, or advertised under another address)',
      'topic events: 6 partitions under-replicated (ISR below 3 replicas, still at least min.insync.replicas=2)',
    ]);
    assert.equal(health.topics[0]!.underReplicated, 6);
  });

  void it('below min.insync.replicas: writes are refused, so status calls it a problem; /readyz still only reports it', () => {
    const health = judgeKafka(withTopic(0, {
      topic: 'events', role: 'callEvents', state: 'ok', minInsyncReplicas: 2, partitions: partitions(6, (p) => (p.partition < 2 ? { isr: [p.leader] } : {})),
    }));
    assert.equal(health.notReady, undefined);
    assert.deepEqual(health.problems, ['topic events: 2 partitions with fewer in-sync replicas than min.insync.replicas=2: writes to them are refused']);
    assert.deepEqual(health.warnings, [], 'a partition below min ISR is counted once, as the problem');
    assert.equal(health.topics[0]!.underMinIsr, 2);
    assert.match(kafkaSummary(health), /events: 6 partitions, RF 3, min ISR 2, 0 offline, 2 under-replicated, 2 below min ISR/);
  });

  void it('a call-events partition without leader makes /readyz fail; the same on the dead-letter topic is a problem only', () => {
    const events = judgeKafka(withTopic(0, { topic: 'events', role: 'callEvents', state: 'ok', minInsyncReplicas: 2, partitions: partitions(6, (p) => (p.partition === 4 ? { leader: -1, isr: [] } : {})) }));
    const line = 'topic events: 1 partition has no leader (offline: nothing can be written to or read from it until a broker holding its data is back)';
    assert.equal(events.notReady, line);
    assert.ok(events.problems.includes(line));
    assert.equal(events.topics[0]!.offline, 1);

    const dlq = judgeKafka(withTopic(1, { topic: 'events.dlq', role: 'deadLetters', state: 'ok', partitions: partitions(1, () => ({ leader: -1, isr: [] })) }));
    assert.equal(dlq.notReady, undefined);
    assert.match(dlq.problems[0]!, /^topic events\.dlq: 1 partition has no leader/);
  });

  void it('a topic whose metadata kafkajs refuses for a partition without leader: the count is unknown, the verdict the same', () => {
    const health = judgeKafka(withTopic(0, { topic: 'events', role: 'callEvents', state: 'leaderless' }));
    assert.equal(health.topics[0]!.offline, null);
    assert.match(health.notReady ?? '', /^topic events: a partition has no leader/);
    assert.match(kafkaSummary(health), /events: a partition without leader/);
  });

  void it('a missing call-events topic is not ready; a missing contact-cards topic is only a warning', () => {
    const events = judgeKafka(withTopic(0, { topic: 'events', role: 'callEvents', state: 'missing' }));
    assert.equal(events.notReady, 'the call-events topic events does not exist');
    assert.deepEqual(events.problems, []);
    const cards = judgeKafka(withTopic(2, { topic: 'cards', role: 'contactCards', state: 'missing' }));
    assert.equal(cards.notReady, undefined);
    assert.deepEqual(cards.problems, []);
    assert.deepEqual(cards.warnings, ['topic cards does not exist (the bridge creates it when it starts)']);
  });

  void it('no broker answering is not ready, and says which brokers were asked', () => {
    const health = judgeKafka({ configuredBrokers: BROKERS, unreachable: 'connect ECONNREFUSED', brokers: [], controller: null, topics: [] });
    assert.equal(health.notReady, `no broker answers a metadata request (${BROKERS.join(', ')}): connect ECONNREFUSED`);
    assert.deepEqual(health.problems, [health.notReady]);
    assert.deepEqual(health.brokers.notListed, BROKERS);
  });

  void it('a broker list kafkajs cannot read (a partition of another topic without leader) is a warning; the topics still count', () => {
    const health = judgeKafka(observation({ brokers: [], controller: null, brokersUnreadable: 'There is no leader for this topic-partition' }));
    assert.equal(health.notReady, undefined);
    assert.deepEqual(health.problems, []);
    assert.deepEqual(health.brokers.notListed, [], 'unknown, not all missing');
    assert.match(health.warnings[0]!, /^the cluster's broker list is unreadable .*: There is no leader for this topic-partition$/);
    assert.equal(health.topics[0]!.underReplicated, 0);
    assert.match(kafkaSummary(health), /^broker list unreadable; events: 6 partitions/);
  });

  void it('a topic whose metadata failed otherwise is a problem, not a readiness failure', () => {
    const health = judgeKafka(withTopic(0, { topic: 'events', role: 'callEvents', state: 'error', error: 'request timed out' }));
    assert.equal(health.notReady, undefined);
    assert.deepEqual(health.problems, ['topic events: metadata unavailable: request timed out']);
  });
});

const described: DescribedCluster = {
  serverVersion: '1.32.1', clusterName: 'active', historyShardCount: 4, persistenceStore: 'postgres12', visibilityStore: 'postgres12',
  currentHost: '127.0.0.1:7233',
  rings: [
    { role: 'frontend', memberCount: 1, members: ['127.0.0.1:6933'] },
    { role: 'history', memberCount: 1, members: ['127.0.0.1:6934'] },
    { role: 'matching', memberCount: 1, members: ['127.0.0.1:6935'] },
    { role: 'worker', memberCount: 1, members: ['127.0.0.1:6939'] },
  ],
};

function temporal(overrides: Partial<TemporalObservation> = {}): TemporalObservation {
  return { address: '127.0.0.1:7233', frontend: { ok: true, serverVersion: '1.32.1' }, cluster: { ok: true, value: described }, ...overrides };
}

void describe('Temporal cluster health (E6)', () => {
  void it('every service a member: ready, with the server, its shards, stores and members', () => {
    const health = judgeTemporal(temporal());
    assert.equal(health.notReady, undefined);
    assert.deepEqual(health.problems, []);
    assert.deepEqual(health.services, {
      frontend: { members: 1, hosts: ['127.0.0.1:6933'] }, history: { members: 1, hosts: ['127.0.0.1:6934'] },
      matching: { members: 1, hosts: ['127.0.0.1:6935'] }, worker: { members: 1, hosts: ['127.0.0.1:6939'] },
    });
    assert.equal(temporalSummary(health),
      'frontend 127.0.0.1:7233 reachable, server 1.32.1, 4 history shards, store postgres12, visibility postgres12; members: frontend 1, history 1, matching 1, worker 1');
  });

  void it('the frontend silent: not ready, whatever else', () => {
    const health = judgeTemporal(temporal({ frontend: { ok: false, error: '14 UNAVAILABLE: No connection established' }, cluster: { ok: false, error: 'x', unsupported: false } }));
    assert.equal(health.frontend, 'unreachable');
    assert.equal(health.notReady, "Temporal's frontend at 127.0.0.1:7233 does not answer: 14 UNAVAILABLE: No connection established");
    assert.equal(temporalSummary(health), 'frontend 127.0.0.1:7233 unreachable');
  });

  void it('history gone from the membership: a problem for status, not a readiness failure (it restarts on its own; no bridge restart helps)', () => {
    const rings = described.rings.map((r) => (r.role === 'history' ? { ...r, memberCount: 0, members: [] } : r));
    const health = judgeTemporal(temporal({ cluster: { ok: true, value: { ...described, rings } } }));
    assert.equal(health.notReady, undefined);
    assert.deepEqual(health.problems, ["no history service in Temporal's cluster membership: it is down or cannot join"]);
    assert.match(temporalSummary(health), /members: frontend 1, history 0, matching 1, worker 1$/);
  });

  void it('a ring the server does not list counts as no member; an extra ring (internal-frontend) is shown', () => {
    const rings = [...described.rings.filter((r) => r.role !== 'worker'), { role: 'internal-frontend', memberCount: 2, members: ['b', 'a'] }];
    const health = judgeTemporal(temporal({ cluster: { ok: true, value: { ...described, rings } } }));
    assert.deepEqual(health.problems, ["no worker service in Temporal's cluster membership: it is down or cannot join"]);
    assert.deepEqual(health.services?.['internal-frontend'], { members: 2, hosts: ['a', 'b'] });
    assert.match(temporalSummary(health), /worker 0, internal-frontend 2$/);
  });

  void it('membership not offered or not allowed: a warning; the cluster metadata unreadable (database down): a problem', () => {
    const unsupported = judgeTemporal(temporal({ cluster: { ok: false, error: '12 UNIMPLEMENTED: unknown service', unsupported: true } }));
    assert.deepEqual(unsupported.problems, []);
    assert.deepEqual(unsupported.warnings, ["the cluster's membership is not readable (AdminService.DescribeCluster: 12 UNIMPLEMENTED: unknown service)"]);
    assert.equal(unsupported.services, undefined);
    assert.match(temporalSummary(unsupported), /server 1\.32\.1; membership unknown$/);
    const database = judgeTemporal(temporal({ cluster: { ok: false, error: '14 UNAVAILABLE: connection refused', unsupported: false } }));
    assert.equal(database.notReady, undefined);
    assert.deepEqual(database.problems, ["Temporal's cluster metadata is unreadable (is its database up?): 14 UNAVAILABLE: connection refused"]);
  });
});

/** A minimal protobuf writer, as any encoder lays the wire out: key = field << 3 | wire type. */
const pb = {
  varint(n: number): number[] {
    const out: number[] = [];
    let v = n;
    while (v >= 0x80) { out.push((v % 0x80) | 0x80); v = Math.floor(v / 0x80); }
    out.push(v);
    return out;
  },
  int(field: number, n: number): number[] { return [...pb.varint(field * 8), ...pb.varint(n)]; },
  bytes(field: number, body: number[]): number[] { return [...pb.varint(field * 8 + 2), ...pb.varint(body.length), ...body]; },
  string(field: number, s: string): number[] { return pb.bytes(field, [...Buffer.from(s, 'utf8')]); },
  fixed64(field: number): number[] { return [...pb.varint(field * 8 + 1), 1, 2, 3, 4, 5, 6, 7, 8]; },
};

void describe('AdminService.DescribeCluster decoding (go.temporal.io/server v1.32.1 field numbers)', () => {
  void it('reads version, shards, stores and the membership rings, skipping the fields it does not use', () => {
    const host = (identity: string) => pb.string(1, identity);
    const ring = (role: string, hosts: string[]) => [...pb.string(1, role), ...pb.int(2, hosts.length), ...hosts.flatMap((h) => pb.bytes(3, host(h)))];
    const membership = [
      ...pb.bytes(1, host('127.0.0.1:7233')), ...pb.string(2, '127.0.0.1:6933'), ...pb.string(2, '127.0.0.1:6934'),
      ...pb.bytes(3, ring('frontend', ['127.0.0.1:6933'])), ...pb.bytes(3, ring('history', ['127.0.0.1:6934', '127.0.0.1:6944'])),
      ...pb.bytes(3, ring('matching', [])),
    ];
    const bytes = Uint8Array.from([
      ...pb.bytes(1, [...pb.string(1, 'temporal-go'), ...pb.string(2, '>=1.0.0')]), // supported_clients map entry
      ...pb.string(2, '1.32.1'), ...pb.bytes(3, membership), ...pb.string(4, 'cluster-id'), ...pb.string(5, 'active'),
      ...pb.int(6, 512), ...pb.string(7, 'postgres12'), ...pb.string(8, 'postgres12'), ...pb.int(10, 10), ...pb.int(11, 1),
      ...pb.int(12, 1), ...pb.fixed64(30), ...pb.string(14, 'http://x'),
    ]);
    assert.deepEqual(decodeDescribeCluster(bytes), {
      serverVersion: '1.32.1', clusterName: 'active', historyShardCount: 512, persistenceStore: 'postgres12', visibilityStore: 'postgres12',
      currentHost: '127.0.0.1:7233',
      rings: [
        { role: 'frontend', memberCount: 1, members: ['127.0.0.1:6933'] },
        { role: 'history', memberCount: 2, members: ['127.0.0.1:6934', '127.0.0.1:6944'] },
        { role: 'matching', memberCount: 0, members: [] },
      ],
    });
  });

  void it('an empty answer is an empty cluster; a truncated one is an error, not a wrong answer', () => {
    assert.deepEqual(decodeDescribeCluster(new Uint8Array(0)), { serverVersion: '', clusterName: '', historyShardCount: 0, persistenceStore: '', visibilityStore: '', rings: [] });
    assert.throws(() => decodeDescribeCluster(Uint8Array.from(pb.string(2, '1.32.1').slice(0, 4))), /index out of range/);
    assert.throws(() => decodeDescribeCluster(Uint8Array.from([0x10, 0x80])), /index out of range/);
  });
});

void describe('the health cache in front of /readyz', () => {
  void it('answers from the last read for the TTL, one read at a time however many ask, then reads again', async () => {
    let clock = 0;
    let reads = 0;
    let release: () => void = () => undefined;
    const read = cachedFor(5_000, () => new Promise<number>((resolve) => {
      reads += 1;
      release = () => resolve(reads);
    }), () => clock);
    const first = [read(), read(), read()];
    release();
    assert.deepEqual(await Promise.all(first), [1, 1, 1]);
    clock = 4_999;
    assert.equal(await read(), 1);
    assert.equal(reads, 1);
    clock = 5_000;
    const again = read();
    release();
    assert.equal(await again, 2);
  });
});

void describe("a readiness check's detail", () => {
  void it('an outcome object gives ok, reason and detail; the detail is served also when ready', async () => {
    const readiness = createReadiness();
    readiness.register('kafka', () => ({ ok: true, detail: { brokers: 3 } }));
    readiness.register('temporal', () => ({ ok: false, reason: 'frontend silent', detail: { frontend: 'unreachable' } }));
    readiness.register('worker', () => ({ ok: false }));
    const report = await readiness.evaluate();
    assert.equal(report.ready, false);
    assert.deepEqual(report.checks, {
      kafka: { ok: true, detail: { brokers: 3 } },
      temporal: { ok: false, reason: 'frontend silent', detail: { frontend: 'unreachable' } },
      worker: { ok: false, reason: 'not ready' },
    });
  });
});
