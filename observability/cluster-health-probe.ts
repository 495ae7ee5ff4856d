/**
 * The reads behind E6's cluster health (observability/cluster-health.ts judges them): Kafka's
 * metadata and topic configs through a kafkajs admin, Temporal's frontend and membership through
 * the SDK's connection. `status` reads once; `/readyz` reads through createClusterHealthMonitor,
 * which keeps the last answer for a few seconds so that probes and scrapes cost no more than
 * one round of small requests per TTL, on connections already open.
 */
import { Connection, type ConnectionLike } from '@temporalio/client';
import { ConfigResourceTypes, type Admin } from 'kafkajs';
import { describeTemporalCluster, frontendServerVersion } from '../platform/temporal-admin';
import {
  judgeKafka, judgeTemporal, type KafkaHealth, type KafkaObservation, type PartitionInfo, type TemporalHealth,
  type TemporalObservation, type TopicObservation, type TopicRole,
} from './cluster-health';

/** The bridge's topics, as config/settings.ts names them; a role left out is not looked at. */
export type BridgeTopics = Partial<Record<TopicRole, string>>;

/** How long one round of health reads may take: under /readyz's check timeout (observability/readiness.ts, 2 s). */
export const HEALTH_READ_TIMEOUT_MS = 1_500;
/** How long /readyz and the `ringostat_bridge_ready` gauge reuse one round (a probe every second costs one round per TTL). */
export const HEALTH_TTL_MS = 5_000;

const MIN_INSYNC = 'min.insync.replicas';

function messageOf(err: unknown): string {
  const e = err as { details?: unknown; message?: unknown };
  if (typeof e?.details === 'string' && e.details) return e.details;
  return err instanceof Error ? err.message : String(err);
}

/** The Kafka error type (`UNKNOWN_TOPIC_OR_PARTITION`, …) anywhere in kafkajs's cause chain. */
function kafkaErrorType(err: unknown): string | undefined {
  for (let e = err; typeof e === 'object' && e !== null; e = (e as { cause?: unknown }).cause) {
    const type = (e as { type?: unknown }).type;
    if (typeof type === 'string') return type;
    if ((e as { cause?: unknown }).cause === e) break;
  }
  return undefined;
}

/** `work()`, or a rejection naming `what` after `ms`; the work is left to finish or fail on its own deadline. */
async function within<T>(ms: number, what: string, work: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([work(), new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
    })]);
  } finally {
    clearTimeout(timer);
  }
}

async function minInsyncReplicas(admin: Admin, topics: string[]): Promise<Map<string, number | 'missing'>> {
  const found = new Map<string, number | 'missing'>();
  const describe = async (names: string[]) => {
    const { resources } = await admin.describeConfigs({
      includeSynonyms: false,
      resources: names.map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configNames: [MIN_INSYNC] })),
    });
    for (const resource of resources) {
      const value = Number(resource.configEntries.find((entry) => entry.configName === MIN_INSYNC)?.configValue);
      if (Number.isInteger(value)) found.set(resource.resourceName, value);
    }
  };
  try {
    await describe(topics);
  } catch (err) {
    // One missing topic fails the whole request: ask per topic to learn which.
    if (kafkaErrorType(err) !== 'UNKNOWN_TOPIC_OR_PARTITION') throw err;
    await Promise.all(topics.map((topic) => describe([topic]).catch((each: unknown) => {
      if (kafkaErrorType(each) !== 'UNKNOWN_TOPIC_OR_PARTITION') throw each;
      found.set(topic, 'missing');
    })));
  }
  return found;
}

function partitionsOf(metadata: { partitions: Array<{ partitionId: number; leader: number; replicas: number[]; isr: number[] }> }): PartitionInfo[] {
  return metadata.partitions
    .map((p) => ({ partition: p.partitionId, leader: p.leader, replicas: [...p.replicas], isr: [...p.isr] }))
    .sort((a, b) => a.partition - b.partition);
}

type TopicPartitions = PartitionInfo[] | 'leaderless' | 'missing' | { error: string };

/**
 * kafkajs refuses a metadata answer in which any partition carries an error, and a partition
 * without a leader is answered with LEADER_NOT_AVAILABLE (from a broker that tried) or no answer
 * from any broker (kafkajs's pool tries each and gives up). So the topics are asked together,
 * and when that fails, one by one: the topic that still fails, though it exists, has a partition
 * without a leader.
 */
async function topicPartitions(admin: Admin, topics: string[]): Promise<Map<string, TopicPartitions>> {
  const result = new Map<string, TopicPartitions>();
  if (topics.length === 0) return result;
  try {
    const { topics: found } = await admin.fetchTopicMetadata({ topics });
    for (const t of found) result.set(t.name, partitionsOf(t));
    return result;
  } catch {
    await Promise.all(topics.map(async (topic) => {
      try {
        const { topics: [one] } = await admin.fetchTopicMetadata({ topics: [topic] });
        result.set(topic, one ? partitionsOf(one) : { error: 'no metadata' });
      } catch (err) {
        const type = kafkaErrorType(err);
        if (type === 'UNKNOWN_TOPIC_OR_PARTITION') result.set(topic, 'missing');
        // A TypeError: kafkajs's pool returned no answer (every broker refused the topic's metadata).
        else if (type === 'LEADER_NOT_AVAILABLE' || err instanceof TypeError) result.set(topic, 'leaderless');
        else result.set(topic, { error: messageOf(err) });
      }
    }));
    return result;
  }
}

/**
 * "No broker answers" makes /readyz fail, so it must mean that: kafkajs may first ask a broker
 * that died a moment ago (a refused connect, at once on the same network) and only then mark it
 * gone. Three tries; a broker that hangs is cut by the caller's deadline.
 */
async function describeCluster(admin: Admin, attempts = 3): Promise<Awaited<ReturnType<Admin['describeCluster']>>> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await admin.describeCluster();
    } catch (err) {
      if (attempt >= attempts) throw err;
    }
  }
}

/**
 * One round of Kafka reads: the brokers and controller (a metadata request), the topics'
 * `min.insync.replicas` (DescribeConfigs, which also tells a missing topic), their partitions'
 * leaders, replicas and ISR (a metadata request). No retries beyond describeCluster's: the admin
 * comes from a client made with `retry: { retries: 0 }` (kafkajs's admin reads metadata with the
 * client's retries, whatever the admin's own) and the caller bounds the round. A read that fails
 * otherwise degrades the answer (no min ISR, a topic in state `error`), never the verdict on
 * readiness.
 */
export async function observeKafka(admin: Admin, configuredBrokers: readonly string[], topics: BridgeTopics): Promise<KafkaObservation> {
  // kafkajs reads the broker list with every topic's metadata (an empty topic list means all), and
  // refuses the whole answer when any partition in the cluster has no leader — another
  // application's topic included. So the list may be unreadable while the cluster answers: a
  // broker that answered anything (a Kafka error code is an answer) makes it reachable.
  const [cluster, offsets] = await Promise.all([
    describeCluster(admin).then((value) => ({ ok: true as const, value }), (err: unknown) => ({ ok: false as const, err })),
    admin.fetchTopicMetadata({ topics: ['__consumer_offsets'] }).then(() => true, (err: unknown) => kafkaErrorType(err) !== undefined),
  ]);
  if (!cluster.ok && !offsets && kafkaErrorType(cluster.err) === undefined) {
    // kafkajs's pool gives "cannot destructure … of null" when no broker answered.
    return { configuredBrokers, unreachable: cluster.err instanceof TypeError ? 'no broker answered' : messageOf(cluster.err), brokers: [], controller: null, topics: [] };
  }
  const roles = (Object.entries(topics) as Array<[TopicRole, string | undefined]>).filter((entry): entry is [TopicRole, string] => Boolean(entry[1]));
  const names = [...new Set(roles.map(([, topic]) => topic))];
  let configs: Map<string, number | 'missing'>;
  let configError: string | undefined;
  try {
    configs = await minInsyncReplicas(admin, names);
  } catch (err) {
    configs = new Map();
    configError = messageOf(err);
  }
  const partitions = await topicPartitions(admin, names.filter((name) => configs.get(name) !== 'missing'));
  const observed: TopicObservation[] = roles.map(([role, topic]) => {
    const minIsr = configs.get(topic);
    if (minIsr === 'missing') return { topic, role, state: 'missing' };
    const found = partitions.get(topic);
    if (!found) return { topic, role, state: 'error', error: configError ?? 'no metadata' };
    if (found === 'leaderless' || found === 'missing') return { topic, role, state: found };
    if ('error' in found) return { topic, role, state: 'error', error: found.error };
    return { topic, role, state: 'ok', partitions: found, ...(minIsr !== undefined ? { minInsyncReplicas: minIsr } : {}) };
  });
  if (!cluster.ok) {
    return { configuredBrokers, brokersUnreadable: messageOf(cluster.err), brokers: [], controller: null, topics: observed };
  }
  return {
    configuredBrokers,
    brokers: cluster.value.brokers.map((b) => ({ nodeId: b.nodeId, address: `${b.host}:${b.port}` })).sort((a, b) => a.nodeId - b.nodeId),
    controller: cluster.value.controller,
    topics: observed,
  };
}

/** gRPC status codes of a server that does not offer (12 UNIMPLEMENTED) or allow (7 PERMISSION_DENIED) the admin call. */
const UNSUPPORTED_CODES = new Set([7, 12]);

/**
 * One round of Temporal reads, both within `timeoutMs`, one attempt each: GetSystemInfo (the
 * frontend answers; it reads nothing from the database) and AdminService.DescribeCluster (the
 * membership rings and the cluster's metadata row: platform/temporal-admin.ts).
 */
export async function observeTemporal(connection: ConnectionLike, timeoutMs: number, address?: string): Promise<TemporalObservation> {
  const at = address ?? (connection instanceof Connection ? connection.options.address : 'Temporal');
  const deadline = Date.now() + timeoutMs;
  // One attempt each, ended by gRPC at the deadline (platform/temporal-admin.ts): no retry outlives the read.
  const serverVersion = connection instanceof Connection
    ? () => frontendServerVersion(connection, deadline)
    : async () => (await connection.withDeadline(deadline, () => connection.workflowService.getSystemInfo({}))).serverVersion ?? '';
  const [frontend, cluster] = await Promise.all([
    within(timeoutMs + 250, 'GetSystemInfo', serverVersion).then(
      (version) => ({ ok: true as const, ...(version ? { serverVersion: version } : {}) }),
      (err: unknown) => ({ ok: false as const, error: messageOf(err) }),
    ),
    connection instanceof Connection
      ? within(timeoutMs + 250, 'DescribeCluster', () => describeTemporalCluster(connection, deadline)).then(
        (value) => ({ ok: true as const, value }),
        (err: unknown) => ({ ok: false as const, error: messageOf(err), unsupported: UNSUPPORTED_CODES.has((err as { code?: number }).code ?? -1) }),
      )
      : Promise.resolve({ ok: false as const, error: 'not a gRPC connection', unsupported: true }),
  ]);
  return { address: at, frontend, cluster };
}

/** A health with when it was read: /readyz shows how old its answer is. */
export type Observed<T> = T & { observedAt: string };

/**
 * `read()`'s last answer while younger than `ttlMs`; one read at a time however many callers ask
 * (the others wait for it). `read` must not throw: a failure is an answer too, kept as long, so a
 * dead cluster is not asked again by every probe.
 */
export function cachedFor<T>(ttlMs: number, read: () => Promise<T>, now: () => number = Date.now): () => Promise<T> {
  let last: { at: number; value: T } | undefined;
  let pending: Promise<T> | undefined;
  return () => {
    if (last && now() - last.at < ttlMs) return Promise.resolve(last.value);
    pending ??= read().then((value) => {
      last = { at: now(), value };
      return value;
    }).finally(() => { pending = undefined; });
    return pending;
  };
}

export interface ClusterHealthMonitorOptions {
  /** An admin of a client made with `retry: { retries: 0 }`, connected by the caller (and disconnected by it). */
  admin: Admin;
  kafkaBrokers: readonly string[];
  topics: BridgeTopics;
  temporal: ConnectionLike;
  temporalAddress?: string;
  ttlMs?: number;
  timeoutMs?: number;
}

export interface ClusterHealthMonitor {
  kafka(): Promise<Observed<KafkaHealth>>;
  temporal(): Promise<Observed<TemporalHealth>>;
}

export function createClusterHealthMonitor(options: ClusterHealthMonitorOptions): ClusterHealthMonitor {
  const ttl = options.ttlMs ?? HEALTH_TTL_MS;
  const timeout = options.timeoutMs ?? HEALTH_READ_TIMEOUT_MS;
  const stamp = <T>(health: T): Observed<T> => ({ ...health, observedAt: new Date().toISOString() });
  return {
    kafka: cachedFor(ttl, async () => stamp(judgeKafka(await within(timeout, 'Kafka metadata', () => observeKafka(options.admin, options.kafkaBrokers, options.topics))
      .catch((err: unknown): KafkaObservation => ({ configuredBrokers: options.kafkaBrokers, unreachable: messageOf(err), brokers: [], controller: null, topics: [] }))))),
    temporal: cachedFor(ttl, async () => stamp(judgeTemporal(await observeTemporal(options.temporal, timeout, options.temporalAddress)))),
  };
}
