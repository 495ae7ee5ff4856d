/** config/settings.ts: the environment of docs/contracts.md §2, parsed once per process. */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parseSettings, SettingsError } from '../../config/settings';
import { projectRoot } from '../../platform/paths';

describe('settings from the environment (docs/contracts.md §2)', () => {
  it('defaults: nothing set is the local demo', () => {
    const settings = parseSettings({});
    assert.equal(settings.configPath, undefined);
    assert.equal(settings.temporalAddress, undefined, 'unset: npm start starts its own Temporal');
    assert.equal(settings.kafkaBrokers, undefined, 'unset: npm start starts its own broker');
    assert.equal(settings.temporalNamespace, 'default');
    assert.deepEqual(settings.topics, { callEvents: 'ringostat.call-events', deadLetters: 'ringostat.call-events.dlq', contactCards: 'ringostat.contact-cards' });
    assert.deepEqual(settings.http, { port: 8080, host: '127.0.0.1' });
    assert.deepEqual(settings.worker, { maxCachedWorkflows: 250 });
    assert.deepEqual(settings.deployment, { name: 'ringostat-bridge', promotion: 'auto' }, 'unset build id: package.json\'s version');
    assert.equal(settings.callIdleTimeoutMs, undefined, 'unset: the call workflow keeps its 2 h');
    assert.equal(settings.dataDir, path.join(projectRoot, '.data'));
    assert.equal(settings.legacyCredentialsDir, path.join(projectRoot, '.data', 'credentials'));
    assert.deepEqual(settings.kafkaCluster, {
      replicationFactor: 1, idempotentProducer: false,
      consumer: { sessionTimeoutMs: 30_000, rebalanceTimeoutMs: 60_000, heartbeatIntervalMs: 3_000 },
    }, 'the single dev broker and kafkajs\'s own defaults');
    assert.equal(settings.temporalNamespaceRetentionHours, 168);
  });

  it('reads every variable of the contract', () => {
    const settings = parseSettings({
      CONFIG_PATH: '/etc/bridge.yaml', BRIDGE_SECRET_KEY: 'a2V5', BRIDGE_COMPONENTS: 'worker', TEMPORAL_ADDRESS: 't:7233',
      TEMPORAL_NAMESPACE: 'calls', TEMPORAL_METRICS_ADDRESS: '0.0.0.0:9464', KAFKA_BROKERS: 'k1:9092, k2:9092', CALL_EVENTS_TOPIC: 'ev',
      CONTACT_CARDS_TOPIC: 'cards', DISPATCHER_GROUP_ID: 'g', HTTP_PORT: '9000', HTTP_HOST: '0.0.0.0', LOG_LEVEL: 'debug',
      CALL_IDLE_TIMEOUT_MS: '60000', WORKER_MAX_CACHED_WORKFLOWS: '50', WORKFLOW_BUNDLE_PATH: '/b.js', CREDENTIALS_DIR: '/old', DATA_DIR: '/var/bridge',
      TEMPORAL_PORT: '7301', TEMPORAL_UI_PORT: '7302', KAFKA_PORT: '7303', KAFKA_CONTROLLER_PORT: '7304',
      WORKER_DEPLOYMENT_NAME: 'calls-eu', WORKER_BUILD_ID: '1.4.0-rc.1', WORKER_VERSION_PROMOTION: 'manual',
      KAFKA_REPLICATION_FACTOR: '3', KAFKA_MIN_INSYNC_REPLICAS: '2', KAFKA_IDEMPOTENT_PRODUCER: 'true',
      KAFKA_SESSION_TIMEOUT_MS: '10000', KAFKA_REBALANCE_TIMEOUT_MS: '20000', KAFKA_HEARTBEAT_INTERVAL_MS: '1000',
      TEMPORAL_NAMESPACE_RETENTION_HOURS: '72',
    });
    assert.deepEqual({ ...settings }, {
      configPath: '/etc/bridge.yaml', secretKey: 'a2V5', components: 'worker', temporalAddress: 't:7233', temporalNamespace: 'calls',
      temporalMetricsAddress: '0.0.0.0:9464', kafkaBrokers: ['k1:9092', 'k2:9092'],
      topics: { callEvents: 'ev', deadLetters: 'ev.dlq', contactCards: 'cards' }, dispatcherGroupId: 'g',
      http: { port: 9000, host: '0.0.0.0' }, logLevel: 'debug', callIdleTimeoutMs: 60000,
      worker: { maxCachedWorkflows: 50, workflowBundlePath: '/b.js' }, deployment: { name: 'calls-eu', buildId: '1.4.0-rc.1', promotion: 'manual' },
      legacyCredentialsDir: '/old', dataDir: '/var/bridge', sandboxPort: 8090,
      devStack: { temporalPort: 7301, uiPort: 7302, kafkaPort: 7303, controllerPort: 7304 },
      kafkaCluster: {
        replicationFactor: 3, minInsyncReplicas: 2, idempotentProducer: true,
        consumer: { sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 20_000, heartbeatIntervalMs: 1_000 },
      },
      temporalNamespaceRetentionHours: 72,
    });
  });

  it('WORKER_BACKLOG_ACTIVITY_SLOTS sizes the backlog lane; unset, the worker keeps its default (issue 15)', () => {
    assert.deepEqual(parseSettings({ WORKER_BACKLOG_ACTIVITY_SLOTS: '20' }).worker, { maxCachedWorkflows: 250, backlogActivitySlots: 20 });
    assert.equal(parseSettings({}).worker.backlogActivitySlots, undefined);
    assert.throws(() => parseSettings({ WORKER_BACKLOG_ACTIVITY_SLOTS: '0' }), /WORKER_BACKLOG_ACTIVITY_SLOTS/);
  });

  it('an empty variable counts as unset', () => {
    const settings = parseSettings({ TEMPORAL_ADDRESS: '', DISPATCHER_GROUP_ID: '', HTTP_PORT: '' });
    assert.equal(settings.temporalAddress, undefined);
    assert.equal(settings.dispatcherGroupId, undefined);
    assert.equal(settings.http.port, 8080);
  });

  it('names every variable that is wrong, in one error', () => {
    assert.throws(() => parseSettings({
      HTTP_PORT: 'eighty', CALL_IDLE_TIMEOUT_MS: '-5', LOG_LEVEL: 'loud', WORKER_VERSION_PROMOTION: 'sometimes', WORKER_DEPLOYMENT_NAME: 'a.b',
    }), (err: unknown) => {
      assert.ok(err instanceof SettingsError);
      assert.match(err.message, /HTTP_PORT must be a port number, got "eighty"/);
      assert.match(err.message, /CALL_IDLE_TIMEOUT_MS must be a positive whole number, got "-5"/);
      assert.match(err.message, /LOG_LEVEL must be one of .*info.*, got "loud"/);
      assert.match(err.message, /WORKER_VERSION_PROMOTION must be one of auto, manual, got "sometimes"/);
      assert.match(err.message, /WORKER_DEPLOYMENT_NAME must be one word without dots/);
      return true;
    });
  });

  it('is frozen: a module down the line cannot change what another one reads', () => {
    const settings = parseSettings({});
    assert.throws(() => { (settings.http as { port: number }).port = 1; }, TypeError);
  });
});
