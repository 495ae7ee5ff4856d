import path from 'node:path';
import { stderrLog, type InfraLog } from './infra-log';
import { ensureKafkaJars } from './kafka-dist';
import { startKafkaBroker, type KafkaBroker } from './kafka-broker';
import { dataDir as defaultDataDir } from './dirs';
import { ensureTemporalCli } from './temporal-cli';
import { startTemporalDevServer, type TemporalDevServer } from './temporal-server';
import { ensureSearchAttributes } from '../../workers/search-attributes';
import { ensureTopics, type TopicReplication } from '../../platform/ensure-topics';
import { ensureNamespaceServed } from '../../platform/temporal-namespace';
import { DEFAULT_CALL_EVENTS_TOPIC, DEFAULT_CONTACT_CARDS_TOPIC, topicSpecs, type TopicSpec } from '../../platform/kafka-topics';

export interface StackOptions {
  /** Root of durable state: <dataDir>/temporal/temporal.db and <dataDir>/kafka/. Default .data/ (DATA_DIR). */
  dataDir?: string;
  temporalPort?: number;
  uiPort?: number;
  kafkaPort?: number;
  controllerPort?: number;
  /** Temporal without its Web UI (tests). */
  headless?: boolean;
  /** The dev server's Prometheus metrics on this port (benchmarks). */
  temporalMetricsPort?: number;
  topics?: readonly TopicSpec[];
  /** Replication of the topics created here (KAFKA_REPLICATION_FACTOR…); default 1, the single broker's. */
  replication?: TopicReplication;
  /**
   * The namespace to use on an external Temporal, registered with this retention when missing (a
   * Temporal cluster starts with none). Default `default`, 168 h.
   */
  namespace?: { name: string; retentionHours: number };
  /**
   * Services that already run: nothing is started for them. The bridge passes its settings;
   * without this, TEMPORAL_ADDRESS / KAFKA_BROKERS of the tool's own environment decide.
   */
  external?: { temporalAddress?: string; kafkaBrokers?: readonly string[] };
  log?: InfraLog;
}

export interface Stack {
  temporalAddress: string;
  /** Undefined when headless or when Temporal is external (TEMPORAL_ADDRESS). */
  temporalUiUrl: string | undefined;
  kafkaBrokers: string[];
  /** The dev server started here: its metrics (when asked for) and its process. */
  temporalMetricsUrl?: string;
  temporalPid?: number;
  /** Stops only what this stack started; external or reused services are left running. */
  stop(): Promise<void>;
}

/**
 * Brings up Temporal and Kafka for the bridge. TEMPORAL_ADDRESS / KAFKA_BROKERS point at
 * existing services instead (nothing is started for them); otherwise both are provisioned and
 * started in parallel, since each takes seconds and they do not depend on each other.
 */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const log = options.log ?? stderrLog;
  const dataDir = path.resolve(options.dataDir ?? defaultDataDir());
  const startedAt = Date.now();
  const timed = <T>(name: string, promise: Promise<T>): Promise<T> =>
    promise.then((value) => {
      log(`${name} ready in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
      return value;
    });
  const external = options.external ?? {
    temporalAddress: process.env.TEMPORAL_ADDRESS || undefined,
    kafkaBrokers: process.env.KAFKA_BROKERS?.split(',').map((b) => b.trim()).filter(Boolean),
  };
  const externalTemporal = external.temporalAddress;
  const externalKafka = external.kafkaBrokers?.length ? [...external.kafkaBrokers] : undefined;
  const namespace = options.namespace ?? { name: 'default', retentionHours: 168 };

  const temporalPromise: Promise<TemporalDevServer> = externalTemporal
    ? ensureNamespaceServed(externalTemporal, namespace.name, namespace.retentionHours)
        .then((registered) => {
          if (registered) log(`registered Temporal namespace ${namespace.name} (retention ${namespace.retentionHours} h) on ${externalTemporal}`);
          return ensureSearchAttributes(externalTemporal, { namespace: namespace.name });
        })
        .then((added) => {
        if (added.length) log(`registered search attributes ${added.join(', ')} on ${externalTemporal}`);
        return { address: externalTemporal, uiUrl: undefined, reused: true, stop: async () => undefined };
      })
    : ensureTemporalCli(log).then((cliPath) =>
        startTemporalDevServer({
          cliPath,
          dbFile: path.join(dataDir, 'temporal', 'temporal.db'),
          port: options.temporalPort,
          uiPort: options.uiPort,
          headless: options.headless,
          metricsPort: options.temporalMetricsPort,
          log,
        }),
      );

  const kafkaPromise: Promise<KafkaBroker> = externalKafka?.length
    ? Promise.resolve({ brokers: externalKafka, reused: true, logFile: undefined, stop: async () => undefined })
    : ensureKafkaJars(log).then((dist) =>
        startKafkaBroker({
          dist,
          dataDir: path.join(dataDir, 'kafka'),
          port: options.kafkaPort,
          controllerPort: options.controllerPort,
          log,
        }),
      );

  // allSettled, not all: if one side fails, the other may already be running and must be stopped.
  const [temporalResult, kafkaResult] = await Promise.allSettled([timed('Temporal', temporalPromise), timed('Kafka', kafkaPromise)]);
  const running = [temporalResult, kafkaResult].flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const stopAll = async (): Promise<void> => {
    await Promise.all(running.map((s) => s.stop()));
  };
  if (temporalResult.status === 'rejected' || kafkaResult.status === 'rejected') {
    await stopAll();
    const reasons = [temporalResult, kafkaResult].flatMap((r) => (r.status === 'rejected' ? [String((r.reason as Error)?.message ?? r.reason)] : []));
    throw new Error(`stack did not start:\n${reasons.join('\n')}`);
  }

  try {
    const created = await ensureTopics(
      kafkaResult.value.brokers,
      options.topics ?? topicSpecs({ callEvents: DEFAULT_CALL_EVENTS_TOPIC, contactCards: DEFAULT_CONTACT_CARDS_TOPIC }),
      options.replication,
    );
    if (created.length) log(`created Kafka topics ${created.join(', ')}`);
  } catch (error) {
    await stopAll();
    throw error;
  }

  return {
    temporalAddress: temporalResult.value.address,
    temporalUiUrl: temporalResult.value.uiUrl,
    kafkaBrokers: kafkaResult.value.brokers,
    ...(temporalResult.value.metricsUrl ? { temporalMetricsUrl: temporalResult.value.metricsUrl } : {}),
    ...(temporalResult.value.pid ? { temporalPid: temporalResult.value.pid } : {}),
    stop: stopAll,
  };
}
