import type { Client } from '@temporalio/client';
import type { Consumer, Kafka } from 'kafkajs';
import { decodeEvent } from '../dispatcher/decode-event';
import type { BridgeConfig } from '../schemas/project-config';
import { deliverToCallWorkflow, type DeliveryTarget } from '../dispatcher/deliver';
import { FLOOR_TASK_QUEUE } from './floor-types';

export interface FloorDispatcher {
  stop(): Promise<void>;
}

/**
 * The floor's Kafka side, step for step the bridge's dispatcher (dispatcher/kafka-dispatcher.ts
 * and deliver.ts): same consumer-group settings, same decoding, one signal-with-start per
 * event through the same deliverToCallWorkflow — only the delivery target differs.
 */
const floorTarget: DeliveryTarget = {
  workflowType: 'floorCallWorkflow',
  taskQueue: FLOOR_TASK_QUEUE,
  workflowId: (projectId, callId) => `floor:${projectId}:${callId}`,
};

export async function startFloorDispatcher(options: {
  kafka: Kafka; temporal: Client; config: BridgeConfig; topic: string; groupId: string;
}): Promise<FloorDispatcher> {
  const consumer: Consumer = options.kafka.consumer({ groupId: options.groupId, allowAutoTopicCreation: false });
  await consumer.connect();
  await consumer.subscribe({ topic: options.topic, fromBeginning: true });
  await consumer.run({
    partitionsConsumedConcurrently: 6,
    eachMessage: async ({ message }) => {
      const decoded = decodeEvent(message.value, options.config);
      if (!decoded.ok) throw new Error(`floor event rejected: ${decoded.reason} ${decoded.detail}`);
      await deliverToCallWorkflow(options.temporal, decoded.envelope, floorTarget);
    },
  });
  return { stop: () => consumer.disconnect() };
}
