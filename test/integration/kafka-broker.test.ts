/**
 * Proves the Kafka broker started by the stack does what the bridge relies on, through kafkajs
 * (the client the dispatcher uses): produce, group consumption, committed offsets surviving a
 * consumer restart, and offsets by timestamp (reactivation re-reads the last 3 days).
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Kafka, logLevel, type Admin, type Consumer, type KafkaMessage, type Producer } from 'kafkajs';
import { stackEnv } from '../../tools/testkit/stack-env';

interface Received {
  partition: number;
  offset: string;
  key: string | undefined;
  value: string | undefined;
  timestamp: string;
}

const kafka = new Kafka({ clientId: 'kafka-broker-test', brokers: stackEnv().kafkaBrokers, logLevel: logLevel.ERROR });
let admin: Admin;
let producer: Producer;
const createdTopics: string[] = [];

/** A fresh topic per test: tests never see each other's messages or offsets. */
async function newTopic(numPartitions: number): Promise<string> {
  const topic = `test.kafka-broker.${crypto.randomUUID()}`;
  await admin.createTopics({ topics: [{ topic, numPartitions, replicationFactor: 1 }], waitForLeaders: true });
  createdTopics.push(topic);
  return topic;
}

function newConsumer(groupId: string): Consumer {
  // Short waits: the defaults are tuned for throughput and make a test idle for seconds.
  return kafka.consumer({ groupId, maxWaitTimeInMs: 100, sessionTimeout: 10_000, heartbeatInterval: 500 });
}

function toReceived(partition: number, message: KafkaMessage): Received {
  return { partition, offset: message.offset, key: message.key?.toString(), value: message.value?.toString(), timestamp: message.timestamp };
}

/**
 * Runs `consumer` until it has `count` messages, then keeps listening `quietMs` longer so that
 * any extra (redelivered) message would show up in the result.
 */
async function consume(
  consumer: Consumer,
  count: number,
  options: {
    quietMs?: number;
    timeoutMs?: number;
    autoCommit?: boolean;
    onMessage?: (topic: string, partition: number, message: KafkaMessage) => Promise<void>;
  } = {},
): Promise<Received[]> {
  const received: Received[] = [];
  let reached: () => void = () => undefined;
  const enough = new Promise<void>((resolve) => (reached = resolve));
  await consumer.run({
    autoCommit: options.autoCommit ?? true,
    eachMessage: async ({ topic, partition, message }) => {
      received.push(toReceived(partition, message));
      await options.onMessage?.(topic, partition, message);
      if (received.length >= count) reached();
    },
  });
  const timeoutMs = options.timeoutMs ?? 30_000;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`got ${received.length} of ${count} messages within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([enough, timedOut]);
  } finally {
    clearTimeout(timer);
  }
  await new Promise((resolve) => setTimeout(resolve, options.quietMs ?? 1_000));
  return received;
}

function values(received: Received[]): string[] {
  return received.map((r) => r.value ?? '');
}

void describe('Kafka broker (kafkajs against the stack)', () => {
  before(async () => {
    admin = kafka.admin();
    await admin.connect();
    producer = kafka.producer();
    await producer.connect();
  });

  after(async () => {
    await producer?.disconnect();
    if (createdTopics.length) await admin?.deleteTopics({ topics: createdTopics }).catch(() => undefined);
    await admin?.disconnect();
  });

  void it('delivers produced messages to a consumer group, in order, with key and headers', async () => {
    const topic = await newTopic(1);
    await producer.send({
      topic,
      messages: [0, 1, 2, 3, 4].map((i) => ({ key: 'call-1', value: `event-${i}`, headers: { eventId: `e${i}` } })),
    });
    const consumer = newConsumer(`group-${crypto.randomUUID()}`);
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      const headers: string[] = [];
      const got = await consume(consumer, 5, {
        onMessage: async (_topic, _partition, message) => {
          headers.push(String(message.headers?.eventId));
        },
      });
      assert.deepEqual(values(got), ['event-0', 'event-1', 'event-2', 'event-3', 'event-4']);
      assert.ok(got.every((r) => r.key === 'call-1'));
      assert.deepEqual(headers, ['e0', 'e1', 'e2', 'e3', 'e4']);
    } finally {
      await consumer.disconnect();
    }
  });

  void it('resumes a group after its committed offset, redelivering nothing', async () => {
    const topic = await newTopic(1);
    const groupId = `group-${crypto.randomUUID()}`;
    await producer.send({ topic, messages: [0, 1, 2, 3, 4].map((i) => ({ value: `first-${i}` })) });

    // First member: commits each message as processed (the next offset to read), then leaves.
    const first = newConsumer(groupId);
    await first.connect();
    try {
      await first.subscribe({ topic, fromBeginning: true });
      const got = await consume(first, 5, {
        autoCommit: false,
        quietMs: 0,
        onMessage: async (t, partition, message) => {
          await first.commitOffsets([{ topic: t, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
        },
      });
      assert.deepEqual(values(got), [0, 1, 2, 3, 4].map((i) => `first-${i}`));
    } finally {
      await first.disconnect();
    }
    const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
    assert.deepEqual(committed[0]?.partitions, [{ partition: 0, offset: '5', metadata: null }]);

    await producer.send({ topic, messages: [5, 6, 7].map((i) => ({ value: `second-${i}` })) });

    // Second member of the same group: fromBeginning only applies without a committed offset.
    const second = newConsumer(groupId);
    await second.connect();
    try {
      await second.subscribe({ topic, fromBeginning: true });
      const got = await consume(second, 3, { quietMs: 2_000 });
      assert.deepEqual(values(got), ['second-5', 'second-6', 'second-7']);
      assert.deepEqual(got.map((r) => r.offset), ['5', '6', '7']);
    } finally {
      await second.disconnect();
    }
  });

  void it('finds the first offset at or after a timestamp, and consuming from it yields exactly the later messages', async () => {
    const topic = await newTopic(2);
    // Four days back, an hour apart: the shape of "re-read the last 3 days" within the 7-day retention.
    const base = Date.now() - 4 * 24 * 3_600_000;
    const hour = 3_600_000;
    for (const partition of [0, 1]) {
      await producer.send({
        topic,
        messages: [0, 1, 2, 3, 4, 5].map((i) => ({ partition, value: `p${partition}-m${i}`, timestamp: String(base + i * hour) })),
      });
    }

    const since = base + 3 * hour;
    const offsets = await admin.fetchTopicOffsetsByTimestamp(topic, since);
    assert.deepEqual(
      offsets.sort((a, b) => a.partition - b.partition),
      [{ partition: 0, offset: '3' }, { partition: 1, offset: '3' }],
    );
    // Later than every message: the end of each partition (nothing to re-read).
    const atEnd = await admin.fetchTopicOffsetsByTimestamp(topic, base + 100 * hour);
    assert.deepEqual(atEnd.map((o) => o.offset), ['6', '6']);

    // A fresh group positioned at those offsets before it starts (no members yet, so setOffsets is
    // allowed). kafkajs implements setOffsets with a paused consumer that waits out one fetch
    // (maxWaitTimeInMs, 5 s by default), hence this test's duration.
    const groupId = `group-${crypto.randomUUID()}`;
    await admin.setOffsets({ groupId, topic, partitions: offsets });
    const consumer = newConsumer(groupId);
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      const got = await consume(consumer, 6, { quietMs: 2_000 });
      assert.deepEqual(values(got).sort(), ['p0-m3', 'p0-m4', 'p0-m5', 'p1-m3', 'p1-m4', 'p1-m5']);
      assert.ok(got.every((r) => Number(r.timestamp) >= since), 'every message is at or after the timestamp');
    } finally {
      await consumer.disconnect();
    }
  });
});
