import type { Client } from '@temporalio/client';
import type { Consumer, Kafka, Producer } from 'kafkajs';
import type { Logger } from '../lib/logger';
import type { BridgeConfig } from '../schemas/project-config';
import { publishDeadLetter } from './dead-letter';
import { decodeEvent } from './decode-event';
import { deliverToCallWorkflow } from './deliver';

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
}

export interface Dispatcher {
  start(): Promise<void>;
  stop(): Promise<void>;
  stats(): { delivered: number; alreadyDone: number; deadLettered: number };
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
  let consumer: Consumer | undefined;
  let producer: Producer | undefined;

  return {
    async start() {
      producer = options.kafka.producer({ allowAutoTopicCreation: false });
      await producer.connect();
      consumer = options.kafka.consumer({ groupId: options.groupId ?? 'ringostat-bridge-dispatcher', allowAutoTopicCreation: false });
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
            log.warn({ topic, partition, offset: message.offset, reason: decoded.reason, detail: decoded.detail }, 'event dead-lettered');
            return;
          }
          const { event } = decoded.envelope;
          const delivery = await deliverToCallWorkflow(options.temporal, decoded.envelope);
          if (delivery === 'delivered') counts.delivered += 1;
          else counts.alreadyDone += 1;
          log.debug({ projectId: event.projectId, callId: event.callId, eventId: event.eventId, type: event.type, delivery }, 'event dispatched');
        },
      });
      log.info({ topic: options.topic }, 'dispatcher consuming');
    },
    async stop() {
      await consumer?.disconnect();
      await producer?.disconnect();
    },
    stats: () => ({ ...counts }),
  };
}
