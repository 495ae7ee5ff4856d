import type { Client } from '@temporalio/client';
import type { Kafka } from 'kafkajs';
import type { Registry } from 'prom-client';
import { createDispatcher, type Dispatcher } from '../dispatcher/kafka-dispatcher';
import type { Readiness } from '../observability/readiness';
import { startContactCardSync, type ContactCardSync } from '../ringostat/contact-card-sync';
import type { BridgeOptions } from './bridge';

export interface DispatcherPart {
  dispatcher: Dispatcher;
  stop(): Promise<void>;
}

/**
 * The Kafka dispatcher (call events → each call's workflow) and, when a project has Ringostat,
 * the contact-card sync that drains B9's topic into Ringostat's contact book.
 */
export async function startDispatcherPart(
  options: BridgeOptions,
  deps: { kafka: Kafka; temporal: Client; registry: Registry; readiness: Readiness; fatal: (part: 'dispatcher', err: unknown) => void },
): Promise<DispatcherPart> {
  const { kafka, temporal, registry, readiness } = deps;
  const { config, logger } = options;
  const dispatcher = createDispatcher({
    kafka, temporal, config, logger, topic: options.topic, dlqTopic: options.dlqTopic, groupId: options.groupId,
    ...(options.kafkaClient ? { client: options.kafkaClient } : {}),
  });
  await dispatcher.start();
  dispatcher.done().catch((err) => deps.fatal('dispatcher', err));
  readiness.register('dispatcher', () => dispatcher.state() === 'consuming' || `dispatcher is ${dispatcher.state()}`);
  let cardSync: ContactCardSync | undefined;
  if (config.projects.some((p) => p.ringostat)) {
    cardSync = await startContactCardSync({ kafka, config, logger, registry, topic: options.contactCardsTopic });
  }
  return {
    dispatcher,
    async stop() {
      await dispatcher.stop();
      await cardSync?.stop();
    },
  };
}
