import { Kafka, logLevel, type LogEntry } from 'kafkajs';
import type { Logger } from './logger';

/**
 * The only place that builds a kafkajs client. kafkajs is unmaintained since 2024; keeping it
 * behind this module keeps a later switch (e.g. to @confluentinc/kafka-javascript) small.
 */
// Keyed partitioning is all the bridge needs (one call, one partition); kafkajs's v2 notice about its
// default partitioner is noise for a new deployment.
process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';

export function createKafka(options: { brokers: string[]; clientId: string; logger: Logger }): Kafka {
  const log = options.logger.child({ component: 'kafkajs' });
  return new Kafka({
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
}

export function brokersFromEnv(fallback = '127.0.0.1:9092'): string[] {
  return (process.env.KAFKA_BROKERS ?? fallback).split(',').map((b) => b.trim()).filter(Boolean);
}
