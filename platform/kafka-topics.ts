/**
 * Kafka topic names shared by the dispatcher, the webhook ingest, the tests and the stack.
 * Overridable so that several bridges (or test runs) can share one cluster.
 */
export const CALL_EVENTS_TOPIC = process.env.CALL_EVENTS_TOPIC ?? 'ringostat.call-events';

/** Events that could not be parsed or routed; one partition is plenty and keeps them in order. */
export const CALL_EVENTS_DLQ_TOPIC = `${CALL_EVENTS_TOPIC}.dlq`;

/** B9: Smart Phone cards waiting for Ringostat's contact book, keyed `{projectId}:{e164}`. */
export const CONTACT_CARDS_TOPIC = process.env.CONTACT_CARDS_TOPIC ?? 'ringostat.contact-cards';

export interface TopicSpec {
  topic: string;
  numPartitions: number;
}

/** 6 partitions: parallelism for the dispatcher group while one call's events stay in one partition (keyed by callId). */
export const defaultTopics: readonly TopicSpec[] = [
  { topic: CALL_EVENTS_TOPIC, numPartitions: 6 },
  { topic: CALL_EVENTS_DLQ_TOPIC, numPartitions: 1 },
  { topic: CONTACT_CARDS_TOPIC, numPartitions: 3 },
];
