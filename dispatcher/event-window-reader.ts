import type { Admin, Kafka, KafkaMessage } from 'kafkajs';
import type { TopicWindow } from '../schemas/resend';

export interface WindowReadProgress {
  read: number;
  total: number;
}


/** Messages of one partition, in offset order, all inside the window. */
export interface WindowBatch {
  partition: number;
  messages: KafkaMessage[];
  /** Keeps the throw-away consumer in its group while a long batch is handled. */
  heartbeat(): Promise<void>;
}

/**
 * Re-reads a topic from a point in time up to the end offsets it had when the read began
 * (T3, replay). It uses a throw-away consumer group that commits nothing, so the dispatcher's
 * own offsets are untouched; messages arriving meanwhile are the dispatcher's business.
 *
 * Messages come a partition's batch at a time (`onBatch`), so a reader can work on many at once
 * and keep a checkpoint per batch instead of per message; `onMessage` is the one-at-a-time form.
 * When a batch's handler returns, `window.from` of its partition has moved past it.
 */
export async function readTopicSince(options: {
  kafka: Kafka;
  topic: string;
  since: Date;
  onMessage?: (message: KafkaMessage, partition: number) => Promise<void>;
  onBatch?: (batch: WindowBatch) => Promise<void>;
  onProgress?: (progress: WindowReadProgress) => void;
  /** A window fixed by an earlier, interrupted read: resume it instead of looking offsets up again. */
  window?: TopicWindow;
  /** The window this read covers, before the first message: a caller that may be interrupted keeps it. */
  onWindow?: (window: TopicWindow) => void;
}): Promise<WindowReadProgress> {
  const admin = options.kafka.admin();
  await admin.connect();
  const groupId = `ringostat-bridge-replay-${process.pid}-${Date.now()}`;
  try {
    const window = options.window ?? await lookUpWindow(admin, options.topic, options.since);
    options.onWindow?.(window);
    const ranges = Object.entries(window.end)
      .map(([partition, end]) => ({ partition: Number(partition), from: BigInt(window.from[partition] ?? end), end: BigInt(end) }))
      .filter((r) => r.from < r.end);
    const total = ranges.reduce((sum, r) => sum + Number(r.end - r.from), 0);
    const progress = { read: 0, total };
    options.onProgress?.(progress);
    if (total === 0) return progress;

    const handleBatch = options.onBatch ?? (async ({ messages, partition }: WindowBatch) => {
      for (const message of messages) await options.onMessage?.(message, partition);
    });
    const consumer = options.kafka.consumer({ groupId, allowAutoTopicCreation: false });
    await consumer.connect();
    try {
      const pending = new Set(ranges.map((r) => r.partition));
      let finish!: () => void;
      let fail!: (err: unknown) => void;
      const done = new Promise<void>((resolve, reject) => { finish = resolve; fail = reject; });
      await consumer.subscribe({ topic: options.topic, fromBeginning: false });
      await consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch, heartbeat, isRunning }) => {
          const range = ranges.find((r) => r.partition === batch.partition);
          if (!range || !pending.has(batch.partition) || !isRunning()) return;
          const inWindow = batch.messages.filter((m) => {
            const offset = BigInt(m.offset);
            return offset >= range.from && offset < range.end;
          });
          if (inWindow.length > 0) {
            try {
              await handleBatch({ partition: batch.partition, messages: inWindow, heartbeat });
            } catch (err) {
              fail(err);
              throw err;
            }
            range.from = BigInt((inWindow[inWindow.length - 1] as KafkaMessage).offset) + 1n;
            progress.read += inWindow.length;
            options.onProgress?.(progress);
          }
          const last = batch.messages[batch.messages.length - 1];
          if (last && BigInt(last.offset) >= range.end - 1n) {
            pending.delete(batch.partition);
            if (pending.size === 0) finish();
          }
        },
      });
      for (const range of ranges) consumer.seek({ topic: options.topic, partition: range.partition, offset: range.from.toString() });
      await done;
    } finally {
      await consumer.disconnect();
    }
    return progress;
  } finally {
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
  }
}

async function lookUpWindow(admin: Admin, topic: string, since: Date): Promise<TopicWindow> {
  const ends = await admin.fetchTopicOffsets(topic);
  const starts = await admin.fetchTopicOffsetsByTimestamp(topic, since.getTime());
  const window: TopicWindow = { from: {}, end: {} };
  for (const { partition, high } of ends) {
    const found = starts.find((s) => s.partition === partition)?.offset;
    // -1: no message at or after the timestamp in this partition.
    window.from[partition] = found === undefined || found === '-1' ? high : found;
    window.end[partition] = high;
  }
  return window;
}
