/**
 * The Kafka cluster's layout and durability settings: what tools/infra/cluster/kafka-cluster.ts
 * writes into each broker's server.properties and what test/unit/docker-compose.test.ts holds
 * docker-compose.yml to. Three nodes, each broker and KRaft controller at once.
 */
export const KAFKA_CLUSTER_NODES = 3;

/** Every partition on all three brokers; a write needs two of them (acks=all), so one broker may die. */
export const KAFKA_CLUSTER_REPLICATION = { replicationFactor: 3, minInsyncReplicas: 2 } as const;

/** server.properties entries shared by every node (the per-node ones — ids, listeners, dirs — are added per node). */
export const KAFKA_CLUSTER_BROKER_SETTINGS: Readonly<Record<string, string>> = {
  'process.roles': 'broker,controller',
  'default.replication.factor': String(KAFKA_CLUSTER_REPLICATION.replicationFactor),
  'min.insync.replicas': String(KAFKA_CLUSTER_REPLICATION.minInsyncReplicas),
  'offsets.topic.replication.factor': '3',
  'transaction.state.log.replication.factor': '3',
  'transaction.state.log.min.isr': '2',
  'share.coordinator.state.topic.replication.factor': '3',
  'share.coordinator.state.topic.min.isr': '2',
  // A replica that fell behind must not become leader: that would silently drop acknowledged events.
  'unclean.leader.election.enable': 'false',
  // Topics are created explicitly: a typo in a topic name must fail, not create a topic.
  'auto.create.topics.enable': 'false',
  'offsets.topic.num.partitions': '10',
  'group.initial.rebalance.delay.ms': '0',
  // Reactivation re-reads the last 3 days of call events: keep at least 7 days.
  'log.retention.hours': '168',
  'num.io.threads': '2',
  'num.network.threads': '2',
};
