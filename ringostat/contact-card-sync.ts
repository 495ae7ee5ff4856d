import type { EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import type { Registry } from 'prom-client';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_CONTACT_CARDS_TOPIC } from '../platform/kafka-topics';
import type { Logger } from '../platform/logger';
import { contactCardMessageSchema, type ContactCardMessage, type SmartPhoneContact } from '../schemas/contact-card';
import { ringostatTimeZone, type BridgeConfig, type ProjectConfig } from '../schemas/project-config';
import { createRingostatClient, type RingostatClient } from './api-client';
import { RingostatApiError } from './api-errors';
import { contactOf, latestPerClient, portalBaseUrl } from './contact-cards';
import { ringostatMetrics } from './metrics';

/**
 * B9's second half, beside the dispatcher: reads the contact-cards topic, keeps the newest card
 * per client of each fetched batch (many calls' cards, one request), and upserts them into
 * Ringostat's contact book. Offsets are committed only once Ringostat took the cards, or once
 * they can never be taken (a refused key or request: logged and counted, then skipped, so one
 * project's bad key never stalls another's cards). While Ringostat is down or limiting, it
 * waits and retries, heartbeating; the calls' CRM work never waits on any of this.
 */

export const CONTACT_CARDS_GROUP = 'ringostat-bridge-contact-cards';
const MAX_CONTACTS_PER_REQUEST = 100;

export interface ContactCardSyncOptions {
  kafka: Kafka;
  config: BridgeConfig;
  logger: Logger;
  topic?: string;
  groupId?: string;
  registry?: Registry;
  fetch?: typeof fetch;
  /** Backoff while Ringostat is unavailable: from `initialMs`, doubling, up to `maxMs`. */
  retry?: { initialMs?: number; maxMs?: number };
}

export interface ContactCardSync {
  stop(): Promise<void>;
}

type SendOutcome = 'synced' | 'rejected' | 'auth_failed' | 'interrupted';

export async function startContactCardSync(options: ContactCardSyncOptions): Promise<ContactCardSync> {
  const topic = options.topic ?? DEFAULT_CONTACT_CARDS_TOPIC;
  const { logger } = options;
  const metrics = ringostatMetrics(options.registry);
  const initialMs = options.retry?.initialMs ?? 1_000;
  const maxMs = options.retry?.maxMs ?? 60_000;
  const projects = new Map<string, { project: ProjectConfig; client: RingostatClient; portal: string | undefined }>();
  for (const project of options.config.projects) {
    if (!project.ringostat) continue;
    const client = createRingostatClient({ settings: project.ringostat, timeZone: ringostatTimeZone(project), fetch: options.fetch });
    projects.set(project.id, { project, client, portal: portalBaseUrl(project) });
  }
  let stopping = false;

  async function send(projectId: string, client: RingostatClient, contacts: SmartPhoneContact[], live: () => boolean, heartbeat: () => Promise<void>): Promise<SendOutcome> {
    for (let attempt = 1, delay = initialMs; ; attempt += 1, delay = Math.min(delay * 2, maxMs)) {
      try {
        await client.syncContacts(contacts);
        return 'synced';
      } catch (err) {
        const failure = err instanceof RingostatApiError ? err : new RingostatApiError('unavailable', String(err));
        metrics.cardSyncErrors.inc({ project: projectId, kind: failure.kind });
        if (failure.kind === 'auth' || failure.kind === 'bad-request') {
          logger.error({ projectId, kind: failure.kind, cards: contacts.length, reason: failure.message },
            failure.kind === 'auth' ? 'Ringostat refused the project\'s apiKey: contact cards skipped (fix ringostat.apiKey)' : 'Ringostat refused contact cards: skipped');
          return failure.kind === 'auth' ? 'auth_failed' : 'rejected';
        }
        if (attempt === 1 || attempt % 10 === 0) logger.warn({ projectId, attempt, reason: failure.message }, 'contact cards: Ringostat unavailable, retrying');
        // Heartbeat through the wait so the group keeps this member and its partitions.
        const until = Date.now() + (failure.retryAfterMs ?? delay * (0.8 + Math.random() * 0.4));
        while (Date.now() < until) {
          if (!live()) return 'interrupted';
          await heartbeat();
          await sleep(Math.min(1_000, Math.max(0, until - Date.now())));
        }
      }
    }
  }

  function decode(message: KafkaMessage): ContactCardMessage | undefined {
    try {
      const parsed = contactCardMessageSchema.safeParse(JSON.parse(message.value?.toString('utf8') ?? ''));
      if (parsed.success) return parsed.data;
    } catch {
      // Falls through: counted below.
    }
    logger.warn({ topic, offset: message.offset }, 'contact cards: unreadable message skipped');
    return undefined;
  }

  async function eachBatch({ batch, resolveOffset, heartbeat, isRunning, isStale, commitOffsetsIfNecessary }: EachBatchPayload): Promise<void> {
    const live = () => !stopping && isRunning() && !isStale();
    const byProject = new Map<string, ContactCardMessage[]>();
    for (const message of batch.messages) {
      const card = decode(message);
      if (!card) continue;
      byProject.set(card.projectId, [...(byProject.get(card.projectId) ?? []), card]);
    }
    for (const [projectId, cards] of byProject) {
      const target = projects.get(projectId);
      if (!target) continue; // The project lost its ringostat block (or left the config) since the card was published.
      const latest = latestPerClient(cards);
      if (cards.length > latest.length) metrics.cardsSynced.inc({ project: projectId, outcome: 'superseded' }, cards.length - latest.length);
      for (let i = 0; i < latest.length; i += MAX_CONTACTS_PER_REQUEST) {
        const contacts = latest.slice(i, i + MAX_CONTACTS_PER_REQUEST).map((card) => contactOf(card, target.project, target.portal));
        const outcome = await send(projectId, target.client, contacts, live, heartbeat);
        // Not resolved: the batch comes again to this group (after a restart or rebalance).
        if (outcome === 'interrupted') return;
        metrics.cardsSynced.inc({ project: projectId, outcome }, contacts.length);
      }
    }
    resolveOffset(batch.lastOffset());
    await commitOffsetsIfNecessary();
  }

  const admin = options.kafka.admin();
  await admin.connect();
  try {
    // The stack creates it (platform/kafka-topics.ts); an external cluster may not have it yet.
    if (!(await admin.listTopics()).includes(topic)) await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
  const consumer = options.kafka.consumer({ groupId: options.groupId ?? CONTACT_CARDS_GROUP, maxWaitTimeInMs: 1_000 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({ eachBatchAutoResolve: false, autoCommitThreshold: 1, partitionsConsumedConcurrently: 3, eachBatch });
  logger.info({ topic, projects: [...projects.keys()] }, 'contact-card sync started');
  return {
    async stop() {
      stopping = true;
      await consumer.disconnect();
    },
  };
}
