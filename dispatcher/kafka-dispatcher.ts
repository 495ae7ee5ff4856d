import type { Client } from '@temporalio/client';
import type { Consumer, Kafka, Producer } from 'kafkajs';
import type { Logger } from '../platform/logger';
import type { BridgeConfig } from '../schemas/project-config';
import { createDispatcherMetrics, type DispatcherMetrics } from '../observability/dispatcher-metrics';
import { deadLetterProject, publishDeadLetter } from './dead-letter';
import { decodeEvent, MAX_EVENT_BYTES } from './decode-event';
import { deliverToCallWorkflow } from './deliver';

export const DEFAULT_DISPATCHER_GROUP_ID = 'ringostat-bridge-dispatcher';

export interface DispatcherOptions {
  kafka: Kafka;
  temporal: Client;
  config: BridgeConfig;
  logger: Logger;
  topic: string;
  dlqTopic: string;
  groupId?: string;
  /** Partitions handled at once; events of one call stay in order within their partition. */
  concurrency?: number;
  /** Default: counters on the process registry (platform/metrics-registry.ts). */
  metrics?: DispatcherMetrics;
  client?: DispatcherClientOptions;
}

/**
 * How the dispatcher's Kafka clients behave on a cluster (config/settings.ts KAFKA_*). The session
 * timeout is how long a dead dispatcher keeps its partitions before the group rebalances them to
 * the others; the rebalance timeout how long a rebalance waits for members to rejoin.
 */
export interface DispatcherClientOptions {
  /** Dead letters written exactly once even when a send is retried after a broker failover. */
  idempotentProducer?: boolean;
  consumer?: { sessionTimeoutMs: number; rebalanceTimeoutMs: number; heartbeatIntervalMs: number };
}

/** `consuming` once the group is joined; `crashed` when kafkajs gave up restarting the consumer. */
export type DispatcherState = 'idle' | 'joining' | 'consuming' | 'stopped' | 'crashed';

export interface Dispatcher {
  start(): Promise<void>;
  stop(): Promise<void>;
  stats(): { delivered: number; alreadyDone: number; deadLettered: number };
  state(): DispatcherState;
  /** Resolves on stop(); rejects when the consumer crashed for good (see observability/exit-on-fatal.ts). */
  done(): Promise<void>;
}

/**
 * The Kafka side of the bridge: a consumer group that validates each event and hands it to
 * its call workflow. kafkajs commits an offset only after eachMessage resolved, i.e. after
 * Temporal accepted the signal (or the DLQ took the bad event): a crash redelivers, and the
 * workflow drops the duplicate by eventId (R1). Transient Temporal errors throw, so the
 * message is retried rather than skipped.
 */
export function createDispatcher(options: DispatcherOptions): Dispatcher {
  const log = options.logger.child({ component: 'dispatcher' });
  const counts = { delivered: 0, alreadyDone: 0, deadLettered: 0 };
  const metrics = options.metrics ?? createDispatcherMetrics();
  const knownProjects = new Set(options.config.projects.map((p) => p.id));
  let consumer: Consumer | undefined;
  let producer: Producer | undefined;
  let state: DispatcherState = 'idle';
  let settle: { resolve(): void; reject(err: unknown): void } | undefined;
  const done = new Promise<void>((resolve, reject) => { settle = { resolve, reject }; });
  // Handled here so that nobody awaiting it is not an unhandled rejection; done() still rejects.
  done.catch(() => undefined);

  function watch(c: Consumer): void {
    c.on(c.events.GROUP_JOIN, () => { state = 'consuming'; });
    c.on(c.events.CRASH, ({ payload }) => {
      if (payload.restart) { state = 'joining'; return; }
      state = 'crashed';
      log.error({ err: payload.error }, 'Kafka consumer crashed and will not restart');
      settle?.reject(payload.error);
    });
  }

  return {
    async start() {
      // kafkajs: an idempotent producer needs one request in flight (it then sends with acks=all, as the default does).
      const idempotent = options.client?.idempotentProducer ? { idempotent: true, maxInFlightRequests: 1 } : {};
      producer = options.kafka.producer({ allowAutoTopicCreation: false, ...idempotent });
      await producer.connect();
      const timeouts = options.client?.consumer;
      consumer = options.kafka.consumer({
        groupId: options.groupId ?? DEFAULT_DISPATCHER_GROUP_ID,
        allowAutoTopicCreation: false,
        ...(timeouts ? { sessionTimeout: timeouts.sessionTimeoutMs, rebalanceTimeout: timeouts.rebalanceTimeoutMs, heartbeatInterval: timeouts.heartbeatIntervalMs } : {}),
      });
      watch(consumer);
      state = 'joining';
      await consumer.connect();
      await consumer.subscribe({ topic: options.topic, fromBeginning: true });
      const dlqProducer = producer;
      await consumer.run({
        partitionsConsumedConcurrently: options.concurrency ?? 6,
        eachMessage: async ({ topic, partition, message }) => {
          const decoded = decodeEvent(message.value, options.config);
          if (!decoded.ok) {
            await publishDeadLetter(dlqProducer, options.dlqTopic, { topic, partition, offset: message.offset, key: message.key, value: message.value }, decoded.reason, decoded.detail);
            counts.deadLettered += 1;
            metrics.deadLettered(deadLetterProject(message.value, knownProjects, MAX_EVENT_BYTES), decoded.reason);
            log.warn({ topic, partition, offset: message.offset, reason: decoded.reason, detail: decoded.detail }, 'event dead-lettered');
            return;
          }
          const { event } = decoded.envelope;
          const delivery = await deliverToCallWorkflow(options.temporal, decoded.envelope);
          if (delivery === 'delivered') counts.delivered += 1;
          else counts.alreadyDone += 1;
          metrics.consumed(event.projectId, event.type, delivery);
          log.debug({ projectId: event.projectId, callId: event.callId, eventId: event.eventId, type: event.type, delivery }, 'event dispatched');
        },
      });
      log.info({ topic: options.topic }, 'dispatcher consuming');
    },
    async stop() {
      if (state !== 'crashed') state = 'stopped';
      await consumer?.disconnect();
      await producer?.disconnect();
      settle?.resolve();
    },
    stats: () => ({ ...counts }),
    state: () => state,
    done: () => done,
  };
}
