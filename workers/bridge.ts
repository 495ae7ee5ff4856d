import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { createDispatcher, type Dispatcher, type DispatcherClientOptions } from '../dispatcher/kafka-dispatcher';
import { createCredentialsCache, type CredentialsCache } from '../integration/credentials-cache';
import { ensureIntegration } from '../integration/ensure-integration';
import type { SecretBox } from '../integration/secret-box';
import { createKafka } from '../platform/kafka';
import type { Logger } from '../platform/logger';
import { processReadiness } from '../observability/readiness';
import { processRegistry } from '../observability/registry';
import { createRingostatActivities } from '../activities/ringostat-activities';
import { createContactCardPublisher } from '../ringostat/contact-card-publisher';
import { startContactCardSync, type ContactCardSync } from '../ringostat/contact-card-sync';
import { ensureReconcileSchedules } from '../ringostat/reconcile-schedules';
import type { Producer } from 'kafkajs';
import type { BridgeConfig } from '../schemas/project-config';
import { createBridgeWorker, workflowBundle } from './temporal-worker';
import { promoteOnStart, reportManualPromotion } from './deployment-version';
import { DEFAULT_DEPLOYMENT_NAME, type Settings } from '../config/settings';
import { packageBuildId } from '../platform/worker-deployment';

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
  workerTuning?: { callIdleTimeoutMs?: number; parkedCallLimitMs?: number; maxCachedWorkflows?: number; workflowBundlePath?: string };
  /** The worker's Worker Deployment version and its promotion (default: ringostat-bridge, package.json's version, auto). */
  deployment?: Settings['deployment'];
  /** Called when the worker or the dispatcher stops for good (default: logged; workers/main.ts exits). */
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
 * Composes the bridge: Temporal worker (workflows + Bitrix24 activities) and Kafka dispatcher.
 * Nothing is kept on this host's disk: the state lives in Temporal and Kafka (R7), so any
 * number of these processes run on any hosts, sharing only those and the config file.
 */
export async function startBridge(options: BridgeOptions): Promise<RunningBridge> {
  const namespace = options.namespace ?? 'default';
  const connection = await Connection.connect({ address: options.temporalAddress });
  const temporal = new Client({ connection, namespace });
  const credentials = createCredentialsCache({ temporal, secrets: options.secrets, config: options.config, logger: options.logger });
  const kafka = createKafka({ brokers: options.kafkaBrokers, clientId: 'ringostat-bridge', logger: options.logger });
  const readiness = processReadiness();
  const fatal = options.onFatal ?? ((part, err) => options.logger.error({ err, part }, `${part} stopped with an error`));

  const registry = processRegistry();
  let worker: Worker | undefined;
  let workerRun: Promise<void> | undefined;
  let native: NativeConnection | undefined;
  let reconcileProducer: Producer | undefined;
  let version: { deploymentName: string; buildId: string } | undefined;
  // B9: the client's card after each call, through Kafka to Ringostat's contact book; a no-op for projects without Ringostat.
  const cards = createContactCardPublisher({ kafka, config: options.config, logger: options.logger, registry, topic: options.contactCardsTopic });
  if (options.worker !== false) {
    const tuning = options.workerTuning ?? {};
    const deployment = options.deployment ?? { name: DEFAULT_DEPLOYMENT_NAME, promotion: 'auto' };
    version = { deploymentName: deployment.name, buildId: deployment.buildId ?? packageBuildId() };
    native = await NativeConnection.connect({ address: options.temporalAddress });
    reconcileProducer = kafka.producer({ allowAutoTopicCreation: false });
    await reconcileProducer.connect();
    worker = await createBridgeWorker({
      connection: native, namespace, temporal, config: options.config, logger: options.logger,
      activityDeps: {
        credentials, secrets: options.secrets, kafka: () => kafka, topic: options.topic, cards,
        ...(tuning.callIdleTimeoutMs !== undefined ? { callIdleTimeoutMs: tuning.callIdleTimeoutMs } : {}),
        ...(tuning.parkedCallLimitMs !== undefined ? { parkedCallLimitMs: tuning.parkedCallLimitMs } : {}),
      },
      workflowBundle: await workflowBundle(tuning.workflowBundlePath),
      ...(tuning.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: tuning.maxCachedWorkflows } : {}),
      version,
      extraActivities: createRingostatActivities({ config: options.config, temporal, producer: reconcileProducer, topic: options.topic, logger: options.logger, registry }),
    });
    const running = worker;
    workerRun = running.run();
    workerRun.catch((err) => fatal('worker', err));
    readiness.register('worker', () => running.getState() === 'RUNNING' || `worker is ${running.getState()}`);
    // Before anything waits on a workflow task: with no current version none would reach this worker.
    if (deployment.promotion === 'auto') {
      await promoteOnStart({ connection, namespace, version, logger: options.logger }).catch(async (err: unknown) => {
        running.shutdown();
        await workerRun?.catch(() => undefined);
        await Promise.allSettled([reconcileProducer?.disconnect(), native?.close(), connection.close()]);
        throw err;
      });
    } else {
      await reportManualPromotion({ connection, namespace, version, logger: options.logger })
        .catch((err: unknown) => options.logger.warn({ err: (err as Error).message }, 'could not read the worker deployment'));
    }
    // The integration workflows answer with a worker polling: this one is.
    for (const project of options.config.projects) {
      await ensureIntegration(project, { temporal, secrets: options.secrets, logger: options.logger, legacyCredentialsDir: options.legacyCredentialsDir })
        .catch((err) => options.logger.error({ projectId: project.id, err: (err as Error).message }, 'could not set up the project\'s integration workflow'));
    }
    // B7: a Schedule per project with Ringostat configured (idempotent from many workers); those of removed projects go.
    await ensureReconcileSchedules(temporal, options.config)
      .then(({ deleted }) => {
        if (deleted.length > 0) options.logger.info({ deleted }, 'deleted the reconciliation schedules of projects no longer in the config');
      })
      .catch((err) => options.logger.error({ err: (err as Error).message }, 'could not set up the reconciliation schedules'));
  }

  let dispatcher: Dispatcher | undefined;
  let cardSync: ContactCardSync | undefined;
  if (options.dispatcher !== false) {
    const running = createDispatcher({
      kafka, temporal, config: options.config, logger: options.logger,
      topic: options.topic, dlqTopic: options.dlqTopic, groupId: options.groupId,
      ...(options.kafkaClient ? { client: options.kafkaClient } : {}),
    });
    dispatcher = running;
    await running.start();
    running.done().catch((err) => fatal('dispatcher', err));
    readiness.register('dispatcher', () => running.state() === 'consuming' || `dispatcher is ${running.state()}`);
    if (options.config.projects.some((p) => p.ringostat)) {
      cardSync = await startContactCardSync({ kafka, config: options.config, logger: options.logger, registry, topic: options.contactCardsTopic });
    }
  }

  return {
    temporal, credentials, dispatcher, worker, ...(version ? { version } : {}),
    async stop() {
      await dispatcher?.stop();
      await cardSync?.stop();
      if (worker && worker.getState() === 'RUNNING') {
        worker.shutdown();
        await workerRun?.catch(() => undefined);
      }
      await cards.stop();
      await reconcileProducer?.disconnect().catch(() => undefined);
      await native?.close();
      await connection.close();
    },
  };
}
