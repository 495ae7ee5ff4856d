/**
 * E6 (docs/requirements.md §9): the cluster's health as `status` and `/readyz` show it, judged
 * from what one round of reads saw (observability/cluster-health-probe.ts does the reads). Pure:
 * the same observation always gives the same verdict, so every rule here is unit-tested.
 *
 * Three grades, each a list of sentences an operator can act on:
 *   - `notReady`: this process cannot do its main job now, so /readyz answers 503. Only: Kafka
 *     answers no metadata request; the call-events topic is missing or one of its partitions has
 *     no leader (no webhook for that partition's calls can be published and no dispatcher can
 *     consume it, and with unclean leader election off that lasts until a broker holding its data
 *     comes back — it is not a moment of a leader election, which keeps a leader throughout);
 *     Temporal's frontend does not answer. These are the conditions the `kafka` and `temporal`
 *     checks always meant (docs/contracts.md §5), made precise.
 *   - `problems`: something an operator must look at; `status` exits 3 on them. A partition of
 *     any bridge topic without a leader, or with fewer in-sync replicas than its
 *     `min.insync.replicas` (every producer of the bridge writes with acks=all, so such a
 *     partition refuses writes); a Temporal service with no member in the cluster's membership;
 *     Temporal's cluster metadata unreadable (its database down).
 *   - `warnings`: shown, never failing: partitions under-replicated but still at or above
 *     `min.insync.replicas` (a broker restarting, a follower catching up: every rolling restart
 *     goes through it, and the cluster still takes writes), a configured broker the cluster does
 *     not list, a bridge topic missing (the bridge creates them at start), Temporal's membership
 *     not readable (a server that does not offer or allow the admin call).
 * Why under-replication (even below min ISR) never makes /readyz fail: it is shared by every
 * replica of the bridge, so a 503 would take them all out of the load balancer at once — turning
 * one partition's refused writes into every webhook refused — and restarting a bridge process
 * fixes nothing of it. An ISR also shrinks and grows with a slow follower, which would make
 * /readyz flap. It is reported (here, in `status`, in the 200 answer's detail) for alerting.
 */
import type { DescribedCluster } from '../platform/temporal-admin';

/** The bridge's topics, by what they carry (docs/contracts.md §1). */
export type TopicRole = 'callEvents' | 'deadLetters' | 'contactCards';

export interface BrokerInfo {
  nodeId: number;
  /** `host:port` as the cluster advertises it. */
  address: string;
}

export interface PartitionInfo {
  partition: number;
  /** -1 when it has none. */
  leader: number;
  replicas: number[];
  isr: number[];
}

/** What one metadata read saw of one topic. */
export type TopicObservation = { topic: string; role: TopicRole } & (
  | { state: 'ok'; partitions: PartitionInfo[]; /** Topic-level, or the broker default it inherits; unread: undefined. */ minInsyncReplicas?: number }
  | { state: 'missing' }
  /**
   * The broker answered the topic's metadata with LEADER_NOT_AVAILABLE: some partition has no
   * leader. kafkajs refuses the whole answer then, so which partitions and how many is unknown.
   */
  | { state: 'leaderless' }
  | { state: 'error'; error: string }
);

export interface KafkaObservation {
  /** KAFKA_BROKERS: the bootstrap list this process was given. */
  configuredBrokers: readonly string[];
  /** When the cluster answered no metadata request at all: why. */
  unreachable?: string;
  /**
   * The cluster answered, but its broker list could not be read, and why: kafkajs reads it with
   * every topic's metadata, which fails while any partition in the cluster has no leader.
   */
  brokersUnreadable?: string;
  brokers: BrokerInfo[];
  /** The controller id the cluster gives, null when unknown. */
  controller: number | null;
  topics: TopicObservation[];
}

export interface TopicHealth {
  topic: string;
  role: TopicRole;
  state: TopicObservation['state'];
  partitions?: number;
  /** The most replicas a partition of it has (its replication factor). */
  replicationFactor?: number;
  minInsyncReplicas?: number;
  /** Partitions without a leader; null: some, kafkajs does not say how many (state `leaderless`). */
  offline?: number | null;
  /** Partitions whose ISR is smaller than their replica list. */
  underReplicated?: number;
  /** Partitions whose ISR is smaller than `min.insync.replicas`: they refuse acks=all writes. */
  underMinIsr?: number;
  error?: string;
}

export interface KafkaHealth {
  brokers: { configured: string[]; listed: BrokerInfo[]; /** Configured addresses the cluster does not list (down, or advertised under another name). */ notListed: string[] };
  controller: number | null;
  topics: TopicHealth[];
  problems: string[];
  warnings: string[];
  /** Why /readyz's `kafka` check fails; absent when it passes. */
  notReady?: string;
}

/**
 * Kafka's "no leader" is -1. Not "a leader the broker list lacks": that list comes from another
 * request, a moment apart, and a broker that just came back would look like a lost leader.
 */
function hasLeader(partition: PartitionInfo): boolean {
  return partition.leader >= 0;
}

function judgeTopic(topic: TopicObservation): TopicHealth {
  const base = { topic: topic.topic, role: topic.role, state: topic.state };
  switch (topic.state) {
    case 'missing': return base;
    case 'error': return { ...base, error: topic.error };
    case 'leaderless': return { ...base, offline: null };
    case 'ok': {
      const { partitions, minInsyncReplicas } = topic;
      const replicationFactor = Math.max(0, ...partitions.map((p) => p.replicas.length));
      return {
        ...base,
        partitions: partitions.length,
        replicationFactor,
        ...(minInsyncReplicas !== undefined ? { minInsyncReplicas } : {}),
        offline: partitions.filter((p) => !hasLeader(p)).length,
        underReplicated: partitions.filter((p) => p.isr.length < p.replicas.length).length,
        // A partition's min ISR is the topic's; never more than its replicas (Kafka refuses writes then too, but that is a topic misconfiguration, counted the same).
        underMinIsr: minInsyncReplicas === undefined ? 0 : partitions.filter((p) => p.isr.length < minInsyncReplicas).length,
      };
    }
  }
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function judgeKafka(observation: KafkaObservation): KafkaHealth {
  const configured = [...observation.configuredBrokers];
  if (observation.unreachable !== undefined) {
    const why = `no broker answers a metadata request (${configured.join(', ')}): ${observation.unreachable}`;
    return { brokers: { configured, listed: [], notListed: configured }, controller: null, topics: [], problems: [why], warnings: [], notReady: why };
  }
  const listedAddresses = new Set(observation.brokers.map((b) => b.address));
  const notListed = observation.brokersUnreadable !== undefined ? [] : configured.filter((address) => !listedAddresses.has(address));
  const topics = observation.topics.map(judgeTopic);
  const problems: string[] = [];
  const warnings: string[] = [];
  let notReady: string | undefined;

  if (notListed.length > 0) warnings.push(`configured brokers the cluster does not list: ${notListed.join(', ')} (down, or advertised under another address)`);
  if (observation.brokersUnreadable !== undefined) {
    warnings.push(`the cluster's broker list is unreadable (read with every topic's metadata, it fails while a partition of any topic has no leader): ${observation.brokersUnreadable}`);
  } else if (observation.brokers.length === 0) problems.push('the cluster lists no broker');
  for (const t of topics) {
    if (t.state === 'missing') {
      warnings.push(`topic ${t.topic} does not exist (the bridge creates it when it starts)`);
      if (t.role === 'callEvents') notReady = `the call-events topic ${t.topic} does not exist`;
      continue;
    }
    if (t.state === 'error') {
      problems.push(`topic ${t.topic}: metadata unavailable: ${t.error}`);
      continue;
    }
    if (t.offline !== 0) {
      const which = t.offline === null ? 'a partition has' : `${plural(t.offline!, 'partition has', 'partitions have')}`;
      const line = `topic ${t.topic}: ${which} no leader (offline: nothing can be written to or read from it until a broker holding its data is back)`;
      problems.push(line);
      if (t.role === 'callEvents') notReady = line;
    }
    if (t.underMinIsr) {
      problems.push(`topic ${t.topic}: ${plural(t.underMinIsr, 'partition')} with fewer in-sync replicas than min.insync.replicas=${t.minInsyncReplicas}: writes to ${t.underMinIsr === 1 ? 'it' : 'them'} are refused`);
    }
    const onlyUnderReplicated = (t.underReplicated ?? 0) - (t.underMinIsr ?? 0);
    if (onlyUnderReplicated > 0) {
      warnings.push(`topic ${t.topic}: ${plural(onlyUnderReplicated, 'partition')} under-replicated (ISR below ${t.replicationFactor} replicas${t.minInsyncReplicas !== undefined ? `, still at least min.insync.replicas=${t.minInsyncReplicas}` : ''})`);
    }
  }
  return {
    brokers: { configured, listed: observation.brokers, notListed }, controller: observation.controller, topics, problems, warnings,
    ...(notReady !== undefined ? { notReady } : {}),
  };
}

/** The roles of Temporal's cluster membership the bridge needs a member of (internal-frontend is optional). */
export const TEMPORAL_SERVICES = ['frontend', 'history', 'matching', 'worker'] as const;

export interface TemporalObservation {
  address: string;
  /** GetSystemInfo: answered (with the server's version), or why not. */
  frontend: { ok: true; serverVersion?: string } | { ok: false; error: string };
  /** AdminService.DescribeCluster, asked beside it. `unsupported`: the server does not offer or allow it (UNIMPLEMENTED, PERMISSION_DENIED). */
  cluster: { ok: true; value: DescribedCluster } | { ok: false; error: string; unsupported: boolean };
}

export interface TemporalHealth {
  address: string;
  frontend: 'reachable' | 'unreachable';
  serverVersion?: string;
  clusterName?: string;
  historyShardCount?: number;
  persistenceStore?: string;
  visibilityStore?: string;
  /** Members per service of the cluster's membership; absent when it could not be read. */
  services?: Record<string, { members: number; hosts: string[] }>;
  problems: string[];
  warnings: string[];
  notReady?: string;
}

export function judgeTemporal(observation: TemporalObservation): TemporalHealth {
  const { address, frontend, cluster } = observation;
  if (!frontend.ok) {
    const why = `Temporal's frontend at ${address} does not answer: ${frontend.error}`;
    return { address, frontend: 'unreachable', problems: [why], warnings: [], notReady: why };
  }
  const health: TemporalHealth = {
    address, frontend: 'reachable', ...(frontend.serverVersion ? { serverVersion: frontend.serverVersion } : {}), problems: [], warnings: [],
  };
  if (!cluster.ok) {
    if (cluster.unsupported) health.warnings.push(`the cluster's membership is not readable (AdminService.DescribeCluster: ${cluster.error})`);
    else health.problems.push(`Temporal's cluster metadata is unreadable (is its database up?): ${cluster.error}`);
    return health;
  }
  const c = cluster.value;
  Object.assign(health, {
    serverVersion: c.serverVersion || health.serverVersion, clusterName: c.clusterName, historyShardCount: c.historyShardCount,
    persistenceStore: c.persistenceStore, visibilityStore: c.visibilityStore,
  });
  const services: NonNullable<TemporalHealth['services']> = {};
  for (const ring of c.rings) services[ring.role] = { members: ring.memberCount, hosts: [...ring.members].sort() };
  health.services = services;
  const missing = TEMPORAL_SERVICES.filter((role) => (services[role]?.members ?? 0) === 0);
  if (missing.length > 0) {
    health.problems.push(`no ${missing.join(', ')} service in Temporal's cluster membership: ${missing.length === 1 ? 'it is' : 'they are'} down or cannot join`);
  }
  return health;
}

/** One line for `status`: `3 brokers (controller 1); ringostat.call-events: 6 partitions, RF 3, min ISR 2, 0 offline, 1 under-replicated`. */
export function kafkaSummary(health: KafkaHealth): string {
  const unreadable = health.brokers.listed.length === 0 && health.brokers.notListed.length === 0 && health.brokers.configured.length > 0;
  const brokers = unreadable ? 'broker list unreadable' : `${plural(health.brokers.listed.length, 'broker')} [${health.brokers.listed.map((b) => `${b.nodeId}@${b.address}`).join(' ')}]` +
    `${health.controller !== null ? `, controller ${health.controller}` : ''}`;
  const topics = health.topics.map((t) => {
    if (t.state === 'missing') return `${t.topic}: missing`;
    if (t.state === 'error') return `${t.topic}: unavailable`;
    if (t.state === 'leaderless') return `${t.topic}: a partition without leader`;
    return `${t.topic}: ${plural(t.partitions ?? 0, 'partition')}, RF ${t.replicationFactor}${t.minInsyncReplicas !== undefined ? `, min ISR ${t.minInsyncReplicas}` : ''}` +
      `, ${t.offline} offline, ${t.underReplicated} under-replicated${t.underMinIsr ? `, ${t.underMinIsr} below min ISR` : ''}`;
  });
  return [brokers, ...topics].join('; ');
}

/** One line for `status`: `frontend 127.0.0.1:7233 reachable, server 1.32.1, 4 history shards; frontend 1, history 1, matching 1, worker 1`. */
export function temporalSummary(health: TemporalHealth): string {
  if (health.frontend === 'unreachable') return `frontend ${health.address} unreachable`;
  const about = [`frontend ${health.address} reachable`, ...(health.serverVersion ? [`server ${health.serverVersion}`] : []),
    ...(health.historyShardCount ? [`${plural(health.historyShardCount, 'history shard')}`] : []),
    ...(health.persistenceStore ? [`store ${health.persistenceStore}${health.visibilityStore ? `, visibility ${health.visibilityStore}` : ''}`] : [])].join(', ');
  if (!health.services) return `${about}; membership unknown`;
  const services = health.services;
  const roles = [...TEMPORAL_SERVICES, ...Object.keys(services).filter((r) => !(TEMPORAL_SERVICES as readonly string[]).includes(r)).sort()];
  return `${about}; members: ${roles.map((role) => `${role} ${services[role]?.members ?? 0}`).join(', ')}`;
}
