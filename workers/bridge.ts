import { Client, Connection } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import type { Settings } from '../config/settings';
import type { Dispatcher, DispatcherClientOptions } from '../dispatcher/kafka-dispatcher';
import { createCredentialsCache, type CredentialsCache } from '../integration/credentials-cache';
import type { SecretBox } from '../integration/secret-box';
import { processReadiness } from '../observability/readiness';
import { createKafka } from '../platform/kafka';
import type { Logger } from '../platform/logger';
import { processRegistry } from '../platform/metrics-registry';
import { createContactCardPublisher } from '../ringostat/contact-card-publisher';
import type { BridgeConfig } from '../schemas/project-config';
import { startDispatcherPart } from './dispatcher-part';
import { startWorkerPart } from './worker-part';

export interface BridgeOptions {
  config: BridgeConfig;
  temporalAddress: string;
  namespace?: string;
  kafkaBrokers: string[];
  topic: string;
  dlqTopic: string;
  /** BRIDGE_SECRET_KEY's box: opens the webhooks the integration workflows hold (R4, R7). */
  secrets: SecretBox;
  logger: Logger;
  /** Run the Temporal worker in this process (default) and/or the Kafka dispatcher. */
  worker?: boolean;
  dispatcher?: boolean;
  groupId?: string;
  /** The dispatcher's consumer-group timeouts and producer idempotence (KAFKA_* settings); default kafkajs's. */
  kafkaClient?: DispatcherClientOptions;
  /** Version 1's credentials folder, imported once into the integration workflows (then ignored). */
  legacyCredentialsDir?: string;
  /** B9's topic (CONTACT_CARDS_TOPIC); default ringostat.contact-cards. */
  contactCardsTopic?: string;
  /** The worker's part of the settings: how long a call without news stays open, the sticky cache, a prebuilt bundle. */
  workerTuning?: { callIdleTimeoutMs?: number; parkedCallLimitMs?: number; creationShardRotateAfter?: number; maxCachedWorkflows?: number; backlogActivitySlots?: number; workflowBundlePath?: string };
  /** The worker's Worker Deployment version and its promotion (default: ringostat-bridge, package.json's version, auto). */
  deployment?: Settings['deployment'];
  /** Called when the worker or the dispatcher stops for good (default: logged; workers/run-bridge.ts stops the process). */
  onFatal?: (part: 'worker' | 'dispatcher', err: unknown) => void;
}

export interface RunningBridge {
  temporal: Client;
  /** This process's view of every project's webhook, from the integration workflows. */
  credentials: CredentialsCache;
  dispatcher?: Dispatcher;
  worker?: Worker;
  /** The Worker Deployment version this process's worker polls as. */
  version?: { deploymentName: string; buildId: string };
  stop(): Promise<void>;
}

/**
 * Composes the bridge: Temporal worker (workflows + activities, workers/worker-part.ts) and Kafka
 * dispatcher (workers/dispatcher-part.ts), on one Temporal client and one Kafka client.
 * Nothing is kept on this host's disk: the state lives in Temporal and Kafka (R7), so any
 * number of these processes run on any hosts, sharing only those and the config file.
 */
export async function startBridge(options: BridgeOptions): Promise<RunningBridge> {
  const { config, logger } = options;
  const connection = await Connection.connect({ address: options.temporalAddress });
  const temporal = new Client({ connection, namespace: options.namespace ?? 'default' });
  const credentials = createCredentialsCache({ temporal, secrets: options.secrets, config, logger });
  const kafka = createKafka({ brokers: options.kafkaBrokers, clientId: 'ringostat-bridge', logger });
  const readiness = processReadiness();
  const registry = processRegistry();
  const fatal = options.onFatal ?? ((part, err) => logger.error({ err, part }, `${part} stopped with an error`));
  // B9: the client's card after each call, through Kafka to Ringostat's contact book; a no-op for projects without Ringostat.
  const cards = createContactCardPublisher({ kafka, config, logger, registry, topic: options.contactCardsTopic });

  const workerPart = options.worker === false ? undefined : await startWorkerPart(options, {
    connection, temporal, kafka, registry, readiness, shared: { credentials, cards }, fatal,
  }).catch(async (err: unknown) => {
    await connection.close().catch(() => undefined);
    throw err;
  });
  const dispatcherPart = options.dispatcher === false ? undefined : await startDispatcherPart(options, { kafka, temporal, registry, readiness, fatal });

  return {
    temporal, credentials, dispatcher: dispatcherPart?.dispatcher, worker: workerPart?.worker,
    ...(workerPart ? { version: workerPart.version } : {}),
    async stop() {
      // The dispatcher first (no new calls), then the worker finishes its tasks, then what they shared.
      await dispatcherPart?.stop();
      await workerPart?.stop();
      await cards.stop();
      await connection.close();
    },
  };
}
