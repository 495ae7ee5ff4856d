/**
 * `npm start`: Temporal + Kafka (started here, or the ones named by TEMPORAL_ADDRESS /
 * KAFKA_BROKERS), the Temporal worker, the Kafka dispatcher and the HTTP service. With no
 * CONFIG_PATH and `--demo` (npm start passes it) it runs the demo project against an in-process
 * Bitrix24 sandbox; with neither it refuses to start (the image runs no demo). Ctrl-C or SIGTERM
 * drains the bridge, then stops the services it started; a second one ends everything at once.
 * BRIDGE_COMPONENTS (worker,dispatcher,http) picks the parts one process runs, so a
 * deployment can run each on its own hosts: they share nothing but Kafka, Temporal and the config.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { startStack, type Stack } from '../tools/infra/stack';
import { killServices } from '../tools/infra/child-process';
import { topicSpecs } from '../platform/kafka-topics';
import { resolveSecretBox } from '../integration/process-secrets';
import { loadConfig } from '../config/config-loader';
import { parseSettings, type Settings } from '../config/settings';
import { createKafka } from '../platform/kafka';
import { createLogger, type Logger } from '../platform/logger';
import { isPortListening } from '../platform/ports';
import { startObservability, type RunningObservability } from '../observability/bridge-observability';
import { startSandbox, type Sandbox } from '../tools/sandbox';
import { startDemoRingostat } from '../tools/sandbox/ringostat/demo';
import type { BridgeConfig } from '../schemas/project-config';
import { startHttpService, startOpsService } from '../http/http-service';
import { startBridge, type RunningBridge } from './bridge';
import { bridgeComponents } from './components';
import { DEFAULT_DISPATCHER_GROUP_ID } from '../dispatcher/kafka-dispatcher';
import { demoConfig } from './demo-config';
import { DEFAULT_TEMPORAL_METRICS_ADDRESS, installTemporalLogging } from '../observability/temporal-logging';

/** A start with neither a config nor --demo: the image's, or a deployment that lost its CONFIG_PATH. */
const NO_CONFIG = 'bridge not started: CONFIG_PATH is not set. Give the bridge its project config (CONFIG_PATH=/path/to/bridge.yaml, ' +
  'docs/contracts.md §2), or pass --demo to run the demo project against the in-process Bitrix24 sandbox (npm start does).';

async function main(): Promise<void> {
  // The only read of the environment: everything below gets what it needs from `settings`.
  const settings = parseSettings(process.env);
  if (!settings.configPath && !process.argv.includes('--demo')) {
    process.stderr.write(`${NO_CONFIG}\n`);
    process.exit(1);
  }
  const logger = createLogger({ name: 'bridge', ...(settings.logLevel ? { level: settings.logLevel } : {}) });
  const started = Date.now();
  const components = bridgeComponents(settings.components);
  const metricsAddress = await sdkMetricsAddress(settings, components.has('http'), logger);
  installTemporalLogging(logger, 'WARN', { metricsAddress, metricsAddressIsDefault: metricsAddress !== settings.temporalMetricsAddress });
  const groupId = settings.dispatcherGroupId ?? DEFAULT_DISPATCHER_GROUP_ID;
  const { topics, dataDir } = settings;
  // Filled as things start, so Ctrl-C during a slow first start stops whatever came up.
  const running: {
    stack?: Promise<Stack>; sandbox?: Sandbox; ringostat?: { stop(): Promise<void> }; bridge?: RunningBridge; http?: { stop(): Promise<void> }; observability?: RunningObservability;
  } = {};
  let stopping = false;
  let startup: Promise<void> | undefined;

  /**
   * The bridge drains while Temporal and Kafka still answer — HTTP closes, the dispatcher commits
   * and leaves its group, the worker finishes or hands back its tasks —, then the services this
   * process started stop (they lead process groups of their own, so a terminal's Ctrl-C did not
   * reach them). A start that failed comes here too, with the error already printed.
   */
  const stop = async (reason: string, code = 0) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`\n${reason}: stopping…\n`);
    // A step still starting finishes first (start() checks `stopping` after each), so what it started is stopped too.
    await startup?.catch(() => undefined);
    await running.http?.stop();
    await running.observability?.stop().catch(() => undefined);
    await running.bridge?.stop().catch((err) => logger.error({ err }, 'bridge stop failed'));
    await running.sandbox?.stop().catch(() => undefined);
    await running.ringostat?.stop().catch(() => undefined);
    // A stack that failed to start has stopped its own parts.
    const stack = await running.stack?.catch(() => undefined);
    await stack?.stop().catch((err) => logger.error({ err }, 'stack stop failed'));
    process.exit(code);
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (!stopping) return void stop(signal);
    process.stderr.write(`${signal} again: ending everything now\n`);
    killServices();
    process.exit(128 + os.constants.signals[signal]);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    startup = start();
    await startup;
  } catch (err) {
    process.stderr.write(`bridge failed to start: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    await stop('start failed', 1);
  }

  async function start(): Promise<void> {
    running.stack = startStack({
      dataDir, topics: topicSpecs(topics), ...settings.devStack,
      external: { temporalAddress: settings.temporalAddress, kafkaBrokers: settings.kafkaBrokers },
      replication: { replicationFactor: settings.kafkaCluster.replicationFactor, ...(settings.kafkaCluster.minInsyncReplicas ? { minInsyncReplicas: settings.kafkaCluster.minInsyncReplicas } : {}) },
      namespace: { name: settings.temporalNamespace, retentionHours: settings.temporalNamespaceRetentionHours },
    });
    const stack = await running.stack;
    if (stopping) return;
    let config: BridgeConfig;
    const { configPath } = settings;
    if (configPath) {
      config = await loadConfig(configPath, process.env);
    } else {
      const sandbox = await startSandbox({ port: settings.sandboxPort });
      running.sandbox = sandbox;
      const ringostat = await startDemoRingostat();
      running.ringostat = ringostat.standIn;
      config = demoConfig(sandbox, ringostat.settings);
      // The CLI reads the same file: `npx ringostat-bridge --config .data/demo-config.json …`.
      await mkdir(dataDir, { recursive: true });
      await writeFile(join(dataDir, 'demo-config.json'), JSON.stringify(config, null, 2), { mode: 0o600 });
      process.stdout.write(`No CONFIG_PATH: running the demo project "demo" against the Bitrix24 sandbox at ${sandbox.baseUrl} (config written to ${join(dataDir, 'demo-config.json')})\n`);
    }
    if (stopping) return;
    const secrets = await resolveSecretBox({ secretKey: settings.secretKey, demo: !configPath, dataDir, say: (line) => process.stdout.write(`${line}\n`) });

    running.bridge = await startBridge({
      config, secrets, logger, groupId,
      temporalAddress: stack.temporalAddress,
      namespace: settings.temporalNamespace,
      kafkaBrokers: stack.kafkaBrokers,
      topic: topics.callEvents,
      dlqTopic: topics.deadLetters,
      contactCardsTopic: topics.contactCards,
      workerTuning: { ...settings.worker, ...(settings.callIdleTimeoutMs ? { callIdleTimeoutMs: settings.callIdleTimeoutMs } : {}),
        ...(settings.parkedCallLimitMs ? { parkedCallLimitMs: settings.parkedCallLimitMs } : {}),
      },
      deployment: settings.deployment,
      kafkaClient: { idempotentProducer: settings.kafkaCluster.idempotentProducer, consumer: settings.kafkaCluster.consumer },
      worker: components.has('worker'),
      dispatcher: components.has('dispatcher'),
      // Version 1 kept credentials here; imported once into the integration workflows, then ignored.
      legacyCredentialsDir: settings.legacyCredentialsDir,
      // A part that dies for good ends the process, so a supervisor starts a fresh one.
      onFatal: (part, err) => {
        logger.fatal({ err, part }, `${part} stopped for good: exiting so that a supervisor restarts the process`);
        void stop(`${part} failed`, 1);
      },
    });
    if (stopping) return;
    const lines = [
      `bridge ready in ${((Date.now() - started) / 1000).toFixed(1)} s: ${[...components].join(', ')}; projects ${config.projects.map((p) => p.id).join(', ')}`,
      `Kafka ${stack.kafkaBrokers.join(',')}  topic ${topics.callEvents}`,
      `Temporal ${stack.temporalAddress}${running.bridge.version ? `  worker build ${running.bridge.version.buildId} of deployment ${running.bridge.version.deploymentName}` : ''}`,
      `Temporal UI: ${stack.temporalUiUrl ?? '(external server: see its own UI)'}`,
    ];
    if (components.has('http')) {
      running.observability = await startObservability({
        temporal: running.bridge.temporal, logger, groupId, topic: topics.callEvents,
        kafka: createKafka({ brokers: stack.kafkaBrokers, clientId: 'ringostat-bridge-observability', logger }),
        projectIds: config.projects.map((p) => p.id),
      });
      const http = await startHttpService({
        config, kafkaBrokers: stack.kafkaBrokers, topic: topics.callEvents, credentials: running.bridge.credentials, logger,
        port: settings.http.port, host: settings.http.host,
      });
      running.http = http;
      lines.push(`HTTP: ${http.url}/v1/projects/{projectId}/ringostat-webhook, …/responsible?phone=…, /healthz, /readyz, /metrics`);
    } else {
      // Health and metrics on every process; several on one host each need their own HTTP_PORT.
      const ops = await startOpsService({ config, logger, port: settings.http.port, host: settings.http.host }).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'EADDRINUSE') throw err;
        logger.warn({ port: settings.http.port }, 'HTTP_PORT is taken: this process serves no /healthz, /readyz or /metrics (give it its own HTTP_PORT)');
        return undefined;
      });
      running.http = ops;
      if (ops) lines.push(`Health and metrics: ${ops.url}/healthz, /readyz, /metrics`);
    }
    lines.push(`Try: npx ringostat-bridge --config ${configPath ?? join(dataDir, 'demo-config.json')} simulate --project ${config.projects[0]?.id} --calls 5`, 'Ctrl-C to stop.', '');
    process.stdout.write(lines.join('\n'));
  }
}

/**
 * Where the Temporal SDK exports its metrics (the process's /metrics merges them in):
 * TEMPORAL_METRICS_ADDRESS; else, for a process that runs the HTTP component, the default port
 * when it is free. Worker- and dispatcher-only processes start many at once on one host, where a
 * shared default port would be raced for: they export the SDK's metrics only when told where.
 */
async function sdkMetricsAddress(settings: Readonly<Settings>, httpComponent: boolean, logger: Logger): Promise<string | undefined> {
  if (settings.temporalMetricsAddress) return settings.temporalMetricsAddress;
  if (!httpComponent) return undefined;
  const address = DEFAULT_TEMPORAL_METRICS_ADDRESS;
  const [host, port] = address.split(':');
  if (await isPortListening(host ?? '127.0.0.1', Number(port))) {
    logger.warn({ address }, 'the Temporal SDK metrics port is taken: this process exports no SDK metrics (set TEMPORAL_METRICS_ADDRESS)');
    return undefined;
  }
  return address;
}

main().catch((err) => {
  // Only the settings and the logger come before stop() can run; nothing was started yet.
  process.stderr.write(`bridge failed to start: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
