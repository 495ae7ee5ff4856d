import type { Producer } from 'kafkajs';
import { callEventKey, type CallEvent } from '../schemas/call-event';

/** Publishes call events as every producer does (docs/contracts.md §1): keyed `{projectId}:{callId}`, JSON. */
export function callEventPublisher(producer: Producer, topic: string): (events: CallEvent[]) => Promise<void> {
  return async (events) => {
    if (events.length === 0) return;
    await producer.send({ topic, messages: events.map((event) => ({ key: callEventKey(event), value: JSON.stringify(event) })) });
  };
}
