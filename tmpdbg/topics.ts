import { Kafka, logLevel } from 'kafkajs';
(async () => { const a = new Kafka({ brokers: ['127.0.0.1:29092'], logLevel: logLevel.NOTHING }).admin(); await a.connect(); console.log((await a.listTopics()).filter((t) => t.startsWith('bench-p8')).join('\n')); await a.disconnect(); })();
