/** http/main.ts: the standalone HTTP service's settings from the environment. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { httpSettingsFromEnv } from '../../http/main';
import { DEFAULT_CALL_EVENTS_TOPIC as CALL_EVENTS_TOPIC } from '../../platform/kafka-topics';

void describe('httpSettingsFromEnv', () => {
  void it('defaults: port 8080 on 127.0.0.1, local Kafka, the shared topic', () => {
    const settings = httpSettingsFromEnv({ CONFIG_PATH: '/etc/bridge.yaml' });
    assert.equal(settings.configPath, '/etc/bridge.yaml');
    assert.equal(settings.port, 8080);
    assert.equal(settings.host, '127.0.0.1');
    assert.deepEqual(settings.kafkaBrokers, ['127.0.0.1:9092']);
    assert.equal(settings.topic, CALL_EVENTS_TOPIC);
  });

  void it('reads HTTP_PORT, HTTP_HOST, KAFKA_BROKERS, CALL_EVENTS_TOPIC, TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE', () => {
    const settings = httpSettingsFromEnv({
      CONFIG_PATH: 'c.json', HTTP_PORT: '9000', HTTP_HOST: '0.0.0.0', KAFKA_BROKERS: 'k1:9092, k2:9092', CALL_EVENTS_TOPIC: 't',
      TEMPORAL_ADDRESS: 't1:7233', TEMPORAL_NAMESPACE: 'calls',
    });
    assert.deepEqual(settings, {
      configPath: 'c.json', port: 9000, host: '0.0.0.0', kafkaBrokers: ['k1:9092', 'k2:9092'], topic: 't', temporalAddress: 't1:7233', temporalNamespace: 'calls',
    });
  });

  void it('names the variable that is missing or wrong', () => {
    assert.throws(() => httpSettingsFromEnv({}), /CONFIG_PATH/);
    assert.throws(() => httpSettingsFromEnv({ CONFIG_PATH: 'c.json', HTTP_PORT: 'eighty' }), /HTTP_PORT/);
  });
});
