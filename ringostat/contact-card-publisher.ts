import type { Kafka, Producer } from 'kafkajs';
import type { Registry } from 'prom-client';
import { DEFAULT_CONTACT_CARDS_TOPIC } from '../platform/kafka-topics';
import type { Logger } from '../platform/logger';
import { contactCardInputSchema, contactCardKey, type ContactCardInput, type ContactCardMessage } from '../schemas/contact-card';
import type { BridgeConfig } from '../schemas/project-config';
import { ringostatMetrics } from './metrics';

/**
 * B9's first half, in the worker: the call's last activity hands over the client's card and
 * this puts one small message on the contact-cards topic. No Temporal action per card, no
 * Ringostat request on the call's path: the card sync (contact-card-sync.ts) does that later,
 * batched. publish() never throws — a card is a courtesy to the manager, never a reason to
 * fail or hold the CRM work; a lost one is replaced by the client's next call.
 */
export interface ContactCardPublisher {
  publish(card: ContactCardInput): Promise<void>;
  stop(): Promise<void>;
}

export interface ContactCardPublisherOptions {
  kafka: Kafka;
  topic?: string;
  config: BridgeConfig;
  logger: Logger;
  registry?: Registry;
}

export function createContactCardPublisher(options: ContactCardPublisherOptions): ContactCardPublisher {
  const topic = options.topic ?? DEFAULT_CONTACT_CARDS_TOPIC;
  const metrics = ringostatMetrics(options.registry);
  const withRingostat = new Set(options.config.projects.filter((p) => p.ringostat).map((p) => p.id));
  // Few, quick retries: the activity is waiting; kafkajs's defaults could hold it for minutes.
  let producer: Promise<Producer> | undefined;
  const connected = () => (producer ??= (async () => {
    const created = options.kafka.producer({ allowAutoTopicCreation: false, retry: { retries: 2, initialRetryTime: 200 } });
    await created.connect();
    return created;
  })().catch((err: unknown) => {
    producer = undefined;
    throw err;
  }));

  return {
    async publish(card) {
      const projectId = typeof card?.projectId === 'string' ? card.projectId : 'unknown';
      if (!withRingostat.has(projectId)) return;
      const parsed = contactCardInputSchema.safeParse(card);
      if (!parsed.success) {
        metrics.cardsPublished.inc({ project: projectId, outcome: 'invalid' });
        options.logger.warn({ projectId, callId: card.callId, issues: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) },
          'contact card not published: invalid');
        return;
      }
      const message: ContactCardMessage = { ...parsed.data, publishedAt: new Date().toISOString() };
      try {
        await (await connected()).send({ topic, messages: [{ key: contactCardKey(message), value: JSON.stringify(message) }] });
        metrics.cardsPublished.inc({ project: projectId, outcome: 'published' });
      } catch (err) {
        metrics.cardsPublished.inc({ project: projectId, outcome: 'failed' });
        options.logger.warn({ projectId, callId: card.callId, err }, 'contact card not published: Kafka refused it');
      }
    },
    async stop() {
      const current = producer;
      producer = undefined;
      await current?.then((p) => p.disconnect()).catch(() => undefined);
    },
  };
}
