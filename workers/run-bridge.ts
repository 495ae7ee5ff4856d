/**
 * The bridge process, composed top to bottom: settings → logger and the Temporal SDK's logging →
 * the services it runs against (a deployment's, or the demo's) → worker and dispatcher →
 * observability and the HTTP service → the ready message. workers/main.ts runs it on a config
 * file; the demo (tools/demo/) runs it on what it started itself.
 */
import type { Settings } from '../config/settings';
import { DEFAULT_DISPATCHER_GROUP_ID } from '../dispatcher/kafka-dispatcher';
import { startHttpService, startOpsService } from '../http/http-service';
import { resolveSecretBox } from '../integration/process-secrets';
import { startObservability } from '../observability/bridge-observability';
import { installTemporalLogging } from '../observability/temporal-logging';
import { createKafka } from '../platform/kafka';
import { createLogger, type Logger } from '../platform/logger';
import type { BridgeConfig } from '../schemas/project-config';
import { startBridge, type RunningBridge } from './bridge';
import { bridgeComponents, type Component } from './components';
import { runProcess, type ProcessScope } from './process-lifecycle';
import { sdkMetricsAddress } from './sdk-metrics-address';

/** What the bridge runs against: its projects, and where Temporal and Kafka answer. */
export interface BridgeServices {
  config: BridgeConfig;
  temporalAddress: string;
  kafkaBrokers: string[];
  /** The Temporal Web UI, when whoever started Temporal knows it. */
  temporalUiUrl?: string;
  /** The config file, for the CLI line of the ready message. */
  configPath: string;
  /** The demo runs on a throw-away secret key; a configured project needs BRIDGE_SECRET_KEY. */
  demo: boolean;
}

/** Brings up (or finds) the services; registers on `scope` how to stop what it started; undefined once a stop began. */
export type ServicesStart = (scope: ProcessScope, logger: Logger) => Promise<BridgeServices | undefined>;

export interface RunBridgeOptions {
  /** A second Ctrl-C: end at once what `services` started (the demo's dev stack). */
  onSecondSignal?: () => void;
}

export async function runBridge(settings: Readonly<Settings>, services: ServicesStart, options: RunBridgeOptions = {}): Promise<void> {
  const logger = createLogger({ name: 'bridge', ...(settings.logLevel ? { level: settings.logLevel } : {}) });
  const started = Date.now();
  const components = bridgeComponents(settings.components);
  const metricsAddress = sdkMetricsAddress(settings, components.has('http'));
  installTemporalLogging(logger, 'WARN', { metricsAddress, metricsAddressIsDefault: metricsAddress !== settings.temporalMetricsAddress });
  await runProcess(async (scope) => {
    const found = await services(scope, logger);
    if (!found || scope.stopping) return;
    const parts: Parts = { scope, settings, services: found, components, logger, groupId: settings.dispatcherGroupId ?? DEFAULT_DISPATCHER_GROUP_ID };
    const bridge = await startWorkerAndDispatcher(parts);
    if (scope.stopping) return;
    const lines = [
      `bridge ready in ${((Date.now() - started) / 1000).toFixed(1)} s: ${[...components].join(', ')}; projects ${found.config.projects.map((p) => p.id).join(', ')}`,
      `Kafka ${found.kafkaBrokers.join(',')}  topic ${settings.topics.callEvents}`,
      `Temporal ${found.temporalAddress}${bridge.version ? `  worker build ${bridge.version.buildId} of deployment ${bridge.version.deploymentName}` : ''}`,
      `Temporal UI: ${found.temporalUiUrl ?? '(external server: see its own UI)'}`,
      ...await startHttpParts(parts, bridge),
      `Try: npx ringostat-bridge --config ${found.configPath} simulate --project ${found.config.projects[0]?.id} --calls 5`, 'Ctrl-C to stop.', '',
    ];
    process.stdout.write(lines.join('\n'));
  }, { logger, ...options });
}

/** What each part of the process is started with. */
interface Parts {
  scope: ProcessScope;
  settings: Readonly<Settings>;
  services: BridgeServices;
  components: Set<Component>;
  logger: Logger;
  /** The dispatcher's consumer group, whose lag /metrics reports. */
  groupId: string;
}

async function startWorkerAndDispatcher({ scope, settings, services, components, logger, groupId }: Parts): Promise<RunningBridge> {
  const { topics, dataDir } = settings;
  const secrets = await resolveSecretBox({ secretKey: settings.secretKey, demo: services.demo, dataDir, say: (line) => process.stdout.write(`${line}\n`) });
  const bridge = await startBridge({
    config: services.config, secrets, logger, groupId,
    temporalAddress: services.temporalAddress,
    namespace: settings.temporalNamespace,
    kafkaBrokers: services.kafkaBrokers,
    topic: topics.callEvents,
    dlqTopic: topics.deadLetters,
    contactCardsTopic: topics.contactCards,
    workerTuning: {
      ...settings.worker,
      ...(settings.callIdleTimeoutMs ? { callIdleTimeoutMs: settings.callIdleTimeoutMs } : {}),
      ...(settings.parkedCallLimitMs ? { parkedCallLimitMs: settings.parkedCallLimitMs } : {}),
      ...(settings.creationShardRotateAfter ? { creationShardRotateAfter: settings.creationShardRotateAfter } : {}),
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
      void scope.stop(`${part} failed`, 1);
    },
  });
  scope.onStop('bridge', () => bridge.stop());
  return bridge;
}

/** The HTTP service with observability, or — on a process without the http component — health and metrics alone. Returns its ready lines. */
async function startHttpParts({ scope, settings, services, components, logger, groupId }: Parts, bridge: RunningBridge): Promise<string[]> {
  const { config, kafkaBrokers } = services;
  const { port, host } = settings.http;
  if (components.has('http')) {
    const observability = await startObservability({
      temporal: bridge.temporal, logger, groupId, topic: settings.topics.callEvents,
      // Quiet: what fails here is reported by /readyz (a partition without leader would otherwise log kafkajs errors at every probe).
      // No retries: kafkajs gives an admin's metadata reads the client's retries, and a health read must end within its deadline.
      kafka: createKafka({ brokers: kafkaBrokers, clientId: 'ringostat-bridge-observability', logger, quiet: true, retry: { retries: 0 } }),
      // E6: /readyz's kafka check compares the cluster's brokers with these and looks at each topic.
      kafkaBrokers, topics: settings.topics,
      projectIds: config.projects.map((p) => p.id),
    });
    scope.onStop('observability', () => observability.stop().catch(() => undefined));
    const http = await startHttpService({ config, kafkaBrokers, topic: settings.topics.callEvents, credentials: bridge.credentials, logger, port, host });
    scope.onStop('http', () => http.stop());
    return [`HTTP: ${http.url}/v1/projects/{projectId}/ringostat-webhook, …/responsible?phone=…, /healthz, /readyz, /metrics`];
  }
  // Health and metrics on every process; several on one host each need their own HTTP_PORT.
  const ops = await startOpsService({ config, logger, port, host }).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'EADDRINUSE') throw err;
    logger.warn({ port }, 'HTTP_PORT is taken: this process serves no /healthz, /readyz or /metrics (give it its own HTTP_PORT)');
    return undefined;
  });
  if (!ops) return [];
  scope.onStop('http', () => ops.stop());
  return [`Health and metrics: ${ops.url}/healthz, /readyz, /metrics`];
}
