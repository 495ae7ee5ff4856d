import type { Client } from '@temporalio/client';
import type { Consumer, Kafka } from 'kafkajs';
import { decodeEvent } from '../../dispatcher/decode-event';
import { deliverToCallWorkflow, type DeliveryTarget } from '../../dispatcher/deliver';
import type { BridgeConfig } from '../../schemas/project-config';
import { MINIMAL_FLOOR_TASK_QUEUE } from './minimal-floor-types';
import { minimalCallWorkflow } from './minimal-floor-workflow';

export interface FloorDispatcher {
  stop(): Promise<void>;
}

/** The dispatcher's own delivery (deliverToCallWorkflow: signal-with-start, same search attributes), aimed at the floor's workflow. */
export const minimalFloorTarget: DeliveryTarget = {
  workflow: minimalCallWorkflow,
  taskQueue: MINIMAL_FLOOR_TASK_QUEUE,
  workflowId: (projectId, callId) => `floor:${projectId}:${callId}`,
};

/**
 * The floor's Kafka side, as dispatcher/kafka-dispatcher.ts consumes: a consumer group on the
 * benchmark's topic, 6 partitions at once, the same decoding, one signal-with-start per event
 * through the same deliverToCallWorkflow — only the target differs. Events of other projects
 * (the bridge's, on the same topic) are not the floor's and are passed over.
 */
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
      if (!decoded.ok) {
        if (decoded.reason === 'unknown-project') return;
        throw new Error(`floor event rejected: ${decoded.reason} ${decoded.detail}`);
      }
      await deliverToCallWorkflow(options.temporal, decoded.envelope, minimalFloorTarget);
    },
  });
  return { stop: () => consumer.disconnect() };
}
