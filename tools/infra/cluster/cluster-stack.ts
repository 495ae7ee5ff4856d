import path from 'node:path';
import type { InfraLog } from '../infra-log';
import { stderrLog } from '../infra-log';
import { ensureKafkaJars } from '../kafka-dist';
import { ensureTopics } from '../../../platform/ensure-topics';
import { dataDir as defaultDataDir } from '../dirs';
import { freePorts } from '../../../platform/ports';
import { DEFAULT_CALL_EVENTS_TOPIC, DEFAULT_CONTACT_CARDS_TOPIC, topicSpecs, type TopicSpec } from '../../../platform/kafka-topics';
import type { Stack } from '../stack';
import { ensureTemporalServer } from './temporal-server-build';
import { POSTGRES_PASSWORD, POSTGRES_USER, startPostgres, type PostgresServer } from './postgres';
import { applyTemporalSchema } from './temporal-schema';
import { startTemporalCluster, type TemporalCluster } from './temporal-cluster';
import { startKafkaCluster, waitForFullIsr, type KafkaCluster } from './kafka-cluster';
import { KAFKA_CLUSTER_REPLICATION } from './kafka-cluster-config';
import { ensureTemporalUiServer } from './temporal-ui-build';
import { startTemporalUi } from './temporal-ui';

export interface ClusterStackOptions {
  /** Root of the cluster's state: postgres/, temporal/, kafka/. Default .data/cluster (DATA_DIR). */
  dataDir?: string;
  /** The frontend's gRPC port; free when omitted. */
  temporalPort?: number;
  topics?: readonly TopicSpec[];
  /** Without the Web UI server (tests: saves a process and, on first use, its build). */
  headless?: boolean;
  /** The Web UI's port; free when omitted. */
  uiPort?: number;
  log?: InfraLog;
}

/** The stack the runner and `npm run stack -- --cluster` use, plus handles on each engine for faults. */
export interface ClusterStack extends Stack {
  postgres: PostgresServer;
  temporal: TemporalCluster;
  kafka: KafkaCluster;
}

/**
 * PostgreSQL → schema → four Temporal services, beside three Kafka nodes (the two sides start in
 * parallel), then the bridge's topics at replication factor 3, min.insync.replicas 2. The first
 * start builds the Temporal server (~9 min on a clean machine); later ones take ~30 s.
 */
export async function startClusterStack(options: ClusterStackOptions = {}): Promise<ClusterStack> {
  const log = options.log ?? stderrLog;
  const root = path.resolve(options.dataDir ?? path.join(defaultDataDir(), 'cluster'));
  const startedAt = Date.now();
  const timed = <T>(name: string, promise: Promise<T>): Promise<T> =>
    promise.then((value) => {
      log(`${name} ready in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
      return value;
    });

  const [postgresPort] = await freePorts(1);
  const postgresPromise = startPostgres({ dataDir: path.join(root, 'postgres'), port: postgresPort!, log });
  const temporalPromise = Promise.all([ensureTemporalServer(log), postgresPromise]).then(async ([dist, postgres]) => {
    const connection = { host: postgres.host, port: postgres.port, user: POSTGRES_USER, password: POSTGRES_PASSWORD };
    await applyTemporalSchema(dist, connection);
    return startTemporalCluster({ dist, dataDir: path.join(root, 'temporal'), postgres: connection, frontendPort: options.temporalPort, log });
  });
  const kafkaPromise = ensureKafkaJars(log).then((dist) => startKafkaCluster({ dist, dataDir: path.join(root, 'kafka'), log }));

  const results = await Promise.allSettled([timed('PostgreSQL', postgresPromise), timed('Temporal cluster', temporalPromise), timed('Kafka cluster', kafkaPromise)]);
  const running = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  // Temporal before PostgreSQL: its services would only log connection errors while stopping.
  const stopAll = async (): Promise<void> => {
    for (const service of [...running].reverse()) await service.stop().catch(() => undefined);
  };
  const failures = results.flatMap((r) => (r.status === 'rejected' ? [String((r.reason as Error)?.message ?? r.reason)] : []));
  if (failures.length > 0) {
    await stopAll();
    throw new Error(`cluster stack did not start:\n${failures.join('\n')}`);
  }
  const postgres = (results[0] as PromiseFulfilledResult<PostgresServer>).value;
  const temporal = (results[1] as PromiseFulfilledResult<TemporalCluster>).value;
  const kafka = (results[2] as PromiseFulfilledResult<KafkaCluster>).value;

  try {
    const topics = options.topics ?? topicSpecs({ callEvents: DEFAULT_CALL_EVENTS_TOPIC, contactCards: DEFAULT_CONTACT_CARDS_TOPIC });
    const created = await ensureTopics(kafka.brokers, topics, KAFKA_CLUSTER_REPLICATION);
    await waitForFullIsr(kafka.brokers, topics.map((t) => t.topic));
    if (created.length) log(`created Kafka topics ${created.join(', ')} (replication ${KAFKA_CLUSTER_REPLICATION.replicationFactor}, min.insync.replicas ${KAFKA_CLUSTER_REPLICATION.minInsyncReplicas})`);
  } catch (error) {
    await stopAll();
    throw error;
  }

  let ui: { url: string; stop(): Promise<void> } | undefined;
  if (!options.headless) {
    try {
      const [uiPort] = options.uiPort ? [options.uiPort] : await freePorts(1);
      const binary = await ensureTemporalUiServer(log);
      ui = await startTemporalUi({ binary, dataDir: path.join(root, 'ui'), host: '127.0.0.1', port: uiPort!, temporalAddress: temporal.address, log });
    } catch (error) {
      // The engines run without it: a UI that did not come up is worth a warning, not a failed stack.
      log(`warning: no Temporal UI: ${(error as Error).message}`);
    }
  }

  return {
    temporalAddress: temporal.address,
    temporalUiUrl: ui?.url,
    kafkaBrokers: kafka.brokers,
    postgres,
    temporal,
    kafka,
    stop: async () => {
      await ui?.stop();
      await kafka.stop();
      await temporal.stop();
      await postgres.stop();
    },
  };
}
