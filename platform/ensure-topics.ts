import { Kafka, logLevel } from 'kafkajs';
import { DEFAULT_CALL_EVENTS_TOPIC, DEFAULT_CONTACT_CARDS_TOPIC, topicSpecs, type TopicSpec } from './kafka-topics';

/**
 * Creates the topics that do not exist yet (replication 1, as on the single-node dev broker; a
 * cluster's own tooling creates them with more). Existing topics are left alone, whatever their
 * partition count. Returns the names it created.
 */
export async function ensureTopics(brokers: string[], topics: readonly TopicSpec[] = topicSpecs({ callEvents: DEFAULT_CALL_EVENTS_TOPIC, contactCards: DEFAULT_CONTACT_CARDS_TOPIC })): Promise<string[]> {
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
        topics: missing.map((t) => ({ topic: t.topic, numPartitions: t.numPartitions, replicationFactor: 1 })),
        waitForLeaders: true,
      });
    }
    return missing.map((t) => t.topic);
  } finally {
    await admin.disconnect();
  }
}
