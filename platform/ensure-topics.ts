import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { DEFAULT_CALL_EVENTS_TOPIC, DEFAULT_CONTACT_CARDS_TOPIC, topicSpecs, type TopicSpec } from './kafka-topics';

/** How topics are replicated: 1 on the single dev broker; a cluster asks for more (KAFKA_REPLICATION_FACTOR). */
export interface TopicReplication {
  replicationFactor: number;
  /** Topic-level min.insync.replicas; unset: the broker's default. */
  minInsyncReplicas?: number;
}

/**
 * Creates the topics that do not exist yet (replication 1 by default: single node). Existing
 * topics are left alone, whatever their partition count. Returns the names it created.
 */
export async function ensureTopics(
  brokers: string[],
  topics: readonly TopicSpec[] = topicSpecs({ callEvents: DEFAULT_CALL_EVENTS_TOPIC, contactCards: DEFAULT_CONTACT_CARDS_TOPIC }),
  replication: TopicReplication = { replicationFactor: 1 },
): Promise<string[]> {
  const admin = new Kafka({ clientId: 'bridge-infra', brokers, logLevel: logLevel.NOTHING }).admin();
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(`cannot reach Kafka at ${brokers.join(',')} to create topics: ${(error as Error).message}`);
  }
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t.topic));
    if (missing.length > 0) {
      await admin.createTopics({
        topics: missing.map((t) => ({
          topic: t.topic,
          numPartitions: t.numPartitions,
          replicationFactor: replication.replicationFactor,
          ...(replication.minInsyncReplicas ? { configEntries: [{ name: 'min.insync.replicas', value: String(replication.minInsyncReplicas) }] } : {}),
        })),
        // kafkajs's own wait retries only LEADER_NOT_AVAILABLE; on a cluster the node asked may not
        // know the topic yet (UNKNOWN_TOPIC_OR_PARTITION) for a moment, so wait here instead.
        waitForLeaders: false,
      });
      await waitForLeaders(admin, missing.map((t) => t.topic));
    }
    return missing.map((t) => t.topic);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** Polls metadata until every partition of `topics` has a leader (what createTopics' waitForLeaders means). */
async function waitForLeaders(admin: Admin, topics: string[], timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no metadata yet';
  while (Date.now() < deadline) {
    try {
      const metadata = await admin.fetchTopicMetadata({ topics });
      if (metadata.topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) return;
      last = 'a partition has no leader';
    } catch (error) {
      last = (error as Error).message;
    }
    await sleep(200);
  }
  throw new Error(`Kafka topics ${topics.join(', ')} have no leaders after ${timeoutMs / 1000} s (${last})`);
}
