import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { createDispatcher, type Dispatcher } from '../dispatcher/kafka-dispatcher';
import { createCredentialStore, type CredentialStore } from '../lib/credential-store';
import { createKafka } from '../lib/kafka';
import type { Logger } from '../lib/logger';
import type { BridgeConfig } from '../schemas/project-config';
import { createBridgeWorker } from './temporal-worker';

export interface BridgeOptions {
  config: BridgeConfig;
  temporalAddress: string;
  namespace?: string;
  kafkaBrokers: string[];
  topic: string;
  dlqTopic: string;
  credentialsDir: string;
  logger: Logger;
  /** Run the Temporal worker in this process (default) and/or the Kafka dispatcher. */
  worker?: boolean;
  dispatcher?: boolean;
  groupId?: string;
}

export interface RunningBridge {
  temporal: Client;
  credentials: CredentialStore;
  dispatcher?: Dispatcher;
  worker?: Worker;
  stop(): Promise<void>;
}

/** Composes the bridge: Temporal worker (workflows + Bitrix24 activities) and Kafka dispatcher. */
export async function startBridge(options: BridgeOptions): Promise<RunningBridge> {
  const namespace = options.namespace ?? 'default';
  const connection = await Connection.connect({ address: options.temporalAddress });
  const temporal = new Client({ connection, namespace });
  const credentials = createCredentialStore(options.credentialsDir);

  let worker: Worker | undefined;
  let workerRun: Promise<void> | undefined;
  let native: NativeConnection | undefined;
  if (options.worker !== false) {
    native = await NativeConnection.connect({ address: options.temporalAddress });
    worker = await createBridgeWorker({ connection: native, namespace, temporal, config: options.config, credentials, logger: options.logger });
    workerRun = worker.run();
    workerRun.catch((err) => options.logger.error({ err }, 'Temporal worker stopped with an error'));
  }

  let dispatcher: Dispatcher | undefined;
  if (options.dispatcher !== false) {
    const kafka = createKafka({ brokers: options.kafkaBrokers, clientId: 'ringostat-bridge', logger: options.logger });
    dispatcher = createDispatcher({
      kafka, temporal, config: options.config, logger: options.logger,
      topic: options.topic, dlqTopic: options.dlqTopic, groupId: options.groupId,
    });
    await dispatcher.start();
  }

  return {
    temporal, credentials, dispatcher, worker,
    async stop() {
      await dispatcher?.stop();
      if (worker && worker.getState() === 'RUNNING') {
        worker.shutdown();
        await workerRun?.catch(() => undefined);
      }
      await native?.close();
      await connection.close();
    },
  };
}
