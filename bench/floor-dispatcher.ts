import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { Consumer, Kafka } from 'kafkajs';
import { decodeEvent } from '../dispatcher/decode-event';
import type { BridgeConfig } from '../schemas/project-config';
import { callEventSignal } from '../workflows/messages';
import { CallIdKey, CallPhaseKey, ClientNumberKey, ProjectIdKey } from '../workflows/search-attributes';
import { FLOOR_TASK_QUEUE } from './floor-types';

export interface FloorDispatcher {
  stop(): Promise<void>;
}

/**
 * The floor's Kafka side, step for step the bridge's dispatcher (dispatcher/kafka-dispatcher.ts
 * and deliver.ts): same consumer-group settings, same decoding, one signal-with-start per
 * event with the same search attributes — only the workflow type and task queue differ, which
 * the bridge's dispatcher hard-wires.
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
      if (!decoded.ok) throw new Error(`floor event rejected: ${decoded.reason} ${decoded.detail}`);
      const { event, clientE164 } = decoded.envelope;
      try {
        await options.temporal.workflow.signalWithStart('floorCallWorkflow', {
          workflowId: `floor:${event.projectId}:${event.callId}`,
          taskQueue: FLOOR_TASK_QUEUE,
          args: [{ projectId: event.projectId, callId: event.callId }],
          signal: callEventSignal,
          signalArgs: [decoded.envelope],
          workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
          typedSearchAttributes: [
            { key: ProjectIdKey, value: event.projectId },
            { key: CallIdKey, value: event.callId },
            { key: ClientNumberKey, value: clientE164 },
            { key: CallPhaseKey, value: 'ringing' },
          ],
        });
      } catch (err) {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      }
    },
  });
  return { stop: () => consumer.disconnect() };
}
