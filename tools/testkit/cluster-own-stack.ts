import path from 'node:path';
import { ensureTopics } from '../../platform/ensure-topics';
import { waitForFullIsr } from '../infra/cluster/kafka-cluster';
import { KAFKA_CLUSTER_REPLICATION } from '../infra/cluster/kafka-cluster-config';
import { TEMPORAL_SERVICES } from '../infra/cluster/temporal-config';
import type { OwnStack } from './bridge-process';
import { clusterControl } from './cluster-control';
import { stackEnv } from './stack-env';

/**
 * A test's "own stack" on the cluster the runner started (STACK=cluster): the same addresses for
 * every process of the test, and its restarts done through the runner's fault control: Temporal's
 * four services restarted one after another, each gracefully, the frontend first (how a cluster
 * is restarted, where the dev stack stops its one server); Kafka's three nodes all SIGKILLed, then
 * all started again, a whole outage like the dev stack's broker restart
 * (a KRaft quorum needs two of three to answer). The engines' data stay in the runner's
 * directories: `temporalDbFile` and `kafkaDataDir` name nothing here.
 */
export async function clusterOwnStack(dir: string, topics: Array<{ topic: string; numPartitions: number }>): Promise<OwnStack> {
  const { temporalAddress, kafkaBrokers } = stackEnv();
  await ensureTopics(kafkaBrokers, topics, KAFKA_CLUSTER_REPLICATION);
  await waitForFullIsr(kafkaBrokers, topics.map((t) => t.topic));
  return {
    temporalAddress,
    kafkaBrokers,
    temporalDbFile: path.join(dir, 'temporal', 'on-the-cluster'),
    kafkaDataDir: path.join(dir, 'kafka-on-the-cluster'),
    async restartTemporal() {
      for (const service of TEMPORAL_SERVICES) await clusterControl.restartTemporalService(service);
    },
    async restartKafka() {
      const { kafka } = await clusterControl.state();
      for (const node of kafka) await clusterControl.killKafkaNode(node.nodeId);
      await Promise.all(kafka.map((node) => clusterControl.startKafkaNode(node.nodeId)));
    },
    // The runner owns the cluster: nothing of it stops with one test.
    async stop() {},
  };
}
