import { Kafka, logLevel, Partitioners, type LogEntry, type ProducerConfig, type RetryOptions } from 'kafkajs';
import type { Logger } from './logger';

export interface KafkaClientOptions {
  brokers: string[];
  clientId: string;
  logger: Logger;
  /** How long one connect, and one request, may wait for a broker (kafkajs: 1 s and 30 s). */
  timeoutMs?: number;
  retry?: RetryOptions;
  /**
   * kafkajs's own warnings and errors at debug level: for a caller that reports the failure
   * itself in one line (the CLI), where kafkajs's retry chatter would only be noise.
   */
  quiet?: boolean;
}

/**
 * The only place that builds a kafkajs client. kafkajs is unmaintained since 2024; keeping it
 * behind this module keeps a later switch (e.g. to @confluentinc/kafka-javascript) small.
 */
export function createKafka(options: KafkaClientOptions): Kafka {
  const log = options.logger.child({ component: 'kafkajs' });
  const kafka = new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    logLevel: !options.quiet ? logLevel.WARN : log.isLevelEnabled('debug') ? logLevel.INFO : logLevel.NOTHING,
    retry: options.retry ?? { initialRetryTime: 300, retries: 8 },
    ...(options.timeoutMs ? { connectionTimeout: options.timeoutMs, requestTimeout: options.timeoutMs } : {}),
    logCreator: () => ({ namespace, level, log: entry }: LogEntry) => {
      const { message, ...rest } = entry;
      const fields = { namespace, ...rest };
      if (options.quiet || level > logLevel.WARN) log.debug(fields, message);
      else if (level <= logLevel.ERROR) log.error(fields, message);
      else log.warn(fields, message);
    },
  });
  // Keyed partitioning is all the bridge needs (one call, one partition). Naming kafkajs's v2
  // default partitioner keeps the same key → partition mapping and silences its notice that
  // the default changed, which is noise for a new deployment.
  const producer = kafka.producer.bind(kafka);
  kafka.producer = (config?: ProducerConfig) => producer({ createPartitioner: Partitioners.DefaultPartitioner, ...config });
  return kafka;
}
