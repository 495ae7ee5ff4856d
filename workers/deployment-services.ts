import { loadConfig } from '../config/config-loader';
import { LOCAL_KAFKA_BROKERS, LOCAL_TEMPORAL_ADDRESS, type Settings } from '../config/settings';
import { ensureTopics } from '../platform/ensure-topics';
import { ensureNamespaceServed } from '../platform/temporal-namespace';
import { topicSpecs } from '../platform/kafka-topics';
import type { Logger } from '../platform/logger';
import { ensureSearchAttributes } from './search-attributes';
import type { BridgeServices } from './run-bridge';

/**
 * A deployment's services: the project config at CONFIG_PATH, and the Temporal and Kafka that
 * TEMPORAL_ADDRESS and KAFKA_BROKERS name (this host's by default). The bridge starts none of
 * them; it only makes sure they hold what it needs — its namespace, search attributes and topics —
 * as every starting process may, since all three are idempotent.
 */
export async function deploymentServices(settings: Readonly<Settings>, configPath: string, env: NodeJS.ProcessEnv, logger: Logger): Promise<BridgeServices> {
  const config = await loadConfig(configPath, env);
  const temporalAddress = settings.temporalAddress ?? LOCAL_TEMPORAL_ADDRESS;
  const kafkaBrokers = [...(settings.kafkaBrokers ?? LOCAL_KAFKA_BROKERS)];
  const { replicationFactor, minInsyncReplicas } = settings.kafkaCluster;
  const [added, created] = await Promise.all([
    // A Temporal cluster starts with no namespace: the bridge's is registered with its retention first.
    ensureNamespaceServed(temporalAddress, settings.temporalNamespace, settings.temporalNamespaceRetentionHours).then((registered) => {
      if (registered) logger.info({ namespace: settings.temporalNamespace, retentionHours: settings.temporalNamespaceRetentionHours }, `registered the Temporal namespace on ${temporalAddress}`);
      return ensureSearchAttributes(temporalAddress, { namespace: settings.temporalNamespace });
    }),
    ensureTopics(kafkaBrokers, topicSpecs(settings.topics), { replicationFactor, ...(minInsyncReplicas ? { minInsyncReplicas } : {}) }),
  ]);
  if (added.length > 0) logger.info({ added }, `registered search attributes on ${temporalAddress}`);
  if (created.length > 0) logger.info({ created }, 'created Kafka topics');
  return { config, temporalAddress, kafkaBrokers, configPath, demo: false };
}
