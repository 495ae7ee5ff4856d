import { Kafka, logLevel, Partitioners, type LogEntry, type ProducerConfig } from 'kafkajs';
import type { Logger } from './logger';

/**
 * The only place that builds a kafkajs client. kafkajs is unmaintained since 2024; keeping it
 * behind this module keeps a later switch (e.g. to @confluentinc/kafka-javascript) small.
 */
export function createKafka(options: { brokers: string[]; clientId: string; logger: Logger }): Kafka {
  const log = options.logger.child({ component: 'kafkajs' });
  const kafka = new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    logLevel: logLevel.WARN,
    retry: { initialRetryTime: 300, retries: 8 },
    logCreator: () => ({ namespace, level, log: entry }: LogEntry) => {
      const { message, ...rest } = entry;
      const fields = { namespace, ...rest };
      if (level <= logLevel.ERROR) log.error(fields, message);
      else if (level === logLevel.WARN) log.warn(fields, message);
      else log.debug(fields, message);
    },
  });
  // Keyed partitioning is all the bridge needs (one call, one partition). Naming kafkajs's v2
  // default partitioner keeps the same key → partition mapping and silences its notice that
  // the default changed, which is noise for a new deployment.
  const producer = kafka.producer.bind(kafka);
  kafka.producer = (config?: ProducerConfig) => producer({ createPartitioner: Partitioners.DefaultPartitioner, ...config });
  return kafka;
}
