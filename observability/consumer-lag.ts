import { Gauge, type Registry } from 'prom-client';
import type { Admin } from 'kafkajs';
import type { Logger } from '../platform/logger';
import { processRegistry, registeredOnce } from '../platform/metrics-registry';

export interface PartitionLag {
  partition: number;
  /** Messages on the partition the group has not committed yet. */
  lag: number;
}

/**
 * Lag of a consumer group on one topic: the partition's end offset minus the group's committed
 * offset. A partition the group never committed counts from the partition's start.
 */
export async function consumerLag(admin: Pick<Admin, 'fetchOffsets' | 'fetchTopicOffsets'>, groupId: string, topic: string): Promise<PartitionLag[]> {
  const [ends, committed] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId, topics: [topic] })]);
  const done = new Map((committed.find((t) => t.topic === topic)?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
  return ends.map((end) => {
    const high = Number(end.high);
    const at = done.get(end.partition);
    const from = at === undefined || at < 0 ? Number(end.low) : at;
    return { partition: end.partition, lag: Math.max(0, high - from) };
  }).sort((a, b) => a.partition - b.partition);
}

/** `ringostat_bridge_consumer_lag_messages{topic,partition}`, sampled (not on scrape: a scrape must not wait on Kafka). */
export function consumerLagGauge(registry: Registry = processRegistry()): Gauge<'topic' | 'partition'> {
  return registeredOnce(registry, 'ringostat_bridge_consumer_lag_messages', () => new Gauge({
    name: 'ringostat_bridge_consumer_lag_messages', help: 'Call events on Kafka not yet handled by the dispatcher, per partition (sampled)',
    labelNames: ['topic', 'partition'], registers: [registry],
  }));
}

export async function sampleConsumerLag(
  admin: Pick<Admin, 'fetchOffsets' | 'fetchTopicOffsets'>, groupId: string, topic: string, gauge: Gauge<'topic' | 'partition'>, logger?: Logger,
): Promise<void> {
  try {
    for (const { partition, lag } of await consumerLag(admin, groupId, topic)) gauge.set({ topic, partition: String(partition) }, lag);
  } catch (err) {
    // Kafka unreachable: the readiness check says so; keep the last values rather than zeros.
    logger?.debug({ err }, 'consumer lag not sampled');
  }
}
