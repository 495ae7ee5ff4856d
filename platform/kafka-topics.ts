/**
 * Kafka topic names shared by the dispatcher, the webhook ingest, the tests and the stack.
 * A deployment may rename them (CALL_EVENTS_TOPIC, CONTACT_CARDS_TOPIC: config/settings.ts), so
 * that several bridges (or test runs) can share one cluster; these are the defaults.
 */
export const DEFAULT_CALL_EVENTS_TOPIC = 'ringostat.call-events';

/** B9: Smart Phone cards waiting for Ringostat's contact book, keyed `{projectId}:{e164}`. */
export const DEFAULT_CONTACT_CARDS_TOPIC = 'ringostat.contact-cards';

/** Events that could not be parsed or routed; one partition is plenty and keeps them in order. */
export function deadLetterTopicOf(callEventsTopic: string): string {
  return `${callEventsTopic}.dlq`;
}

export interface TopicSpec {
  topic: string;
  numPartitions: number;
}

/** 6 partitions: parallelism for the dispatcher group while one call's events stay in one partition (keyed by callId). */
export function topicSpecs(topics: { callEvents: string; contactCards: string }): TopicSpec[] {
  return [
    { topic: topics.callEvents, numPartitions: 6 },
    { topic: deadLetterTopicOf(topics.callEvents), numPartitions: 1 },
    { topic: topics.contactCards, numPartitions: 3 },
  ];
}
