import type { Kafka } from 'kafkajs';

/** Partition → offset of a topic: where its consumer groups should begin. */
export type TopicPosition = Array<{ partition: number; offset: string }>;

/** The topic's end now: a group placed here reads only what is published from now on. */
export async function topicEnd(kafka: Kafka, topic: string): Promise<TopicPosition> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(topic)).map(({ partition, high }) => ({ partition, offset: high }));
  } finally {
    await admin.disconnect();
  }
}

/**
 * Commits `position` for a consumer group that has not joined yet, so that it starts there.
 * The floor and the bridge share one benchmark topic; this keeps each to its own events.
 */
export async function placeGroup(kafka: Kafka, groupId: string, topic: string, position: TopicPosition): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.setOffsets({ groupId, topic, partitions: position });
  } finally {
    await admin.disconnect();
  }
}
