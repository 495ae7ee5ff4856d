/**
 * `npm start` (`node dist/workers/main.js --demo` hands over to this file): Temporal and Kafka
 * (started here, or the ones TEMPORAL_ADDRESS / KAFKA_BROKERS name), then the bridge
 * (workers/run-bridge.ts) — on CONFIG_PATH's projects, or with no config on the demo project
 * against an in-process Bitrix24 sandbox and a Ringostat stand-in. Ctrl-C or SIGTERM drains the
 * bridge, then stops what started here; a second one ends everything at once.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadConfig } from '../../config/config-loader';
import { parseSettings, type Settings } from '../../config/settings';
import { topicSpecs } from '../../platform/kafka-topics';
import { runBridge, type BridgeServices } from '../../workers/run-bridge';
import type { ProcessScope } from '../../workers/process-lifecycle';
import { killServices } from '../infra/child-process';
import { startStack } from '../infra/stack';
import { startSandbox } from '../sandbox';
import { startDemoRingostat } from '../sandbox/ringostat/demo';
import { demoConfig } from './demo-config';

/** The dev stack (or the services named), then the config file's projects or the demo project on the sandbox and the stand-in. */
async function demoServices(settings: Readonly<Settings>, scope: ProcessScope): Promise<BridgeServices | undefined> {
  const { dataDir, configPath } = settings;
  const stack = await startStack({
    dataDir, topics: topicSpecs(settings.topics), ...settings.devStack,
    external: { temporalAddress: settings.temporalAddress, kafkaBrokers: settings.kafkaBrokers },
    replication: { replicationFactor: settings.kafkaCluster.replicationFactor, ...(settings.kafkaCluster.minInsyncReplicas ? { minInsyncReplicas: settings.kafkaCluster.minInsyncReplicas } : {}) },
    namespace: { name: settings.temporalNamespace, retentionHours: settings.temporalNamespaceRetentionHours },
  });
  scope.onStop('stack', () => stack.stop());
  if (scope.stopping) return undefined;
  const addresses = { temporalAddress: stack.temporalAddress, kafkaBrokers: stack.kafkaBrokers, ...(stack.temporalUiUrl ? { temporalUiUrl: stack.temporalUiUrl } : {}) };
  if (configPath) return { ...addresses, config: await loadConfig(configPath, process.env), configPath, demo: false };

  const sandbox = await startSandbox({ port: settings.sandboxPort });
  scope.onStop('sandbox', () => sandbox.stop().catch(() => undefined));
  const ringostat = await startDemoRingostat();
  scope.onStop('ringostat stand-in', () => ringostat.standIn.stop().catch(() => undefined));
  const config = demoConfig(sandbox, ringostat.settings);
  // The CLI reads the same file: `npx ringostat-bridge --config .data/demo-config.json …`.
  const demoConfigPath = join(dataDir, 'demo-config.json');
  await mkdir(dataDir, { recursive: true });
  await writeFile(demoConfigPath, JSON.stringify(config, null, 2), { mode: 0o600 });
  process.stdout.write(`No CONFIG_PATH: running the demo project "demo" against the Bitrix24 sandbox at ${sandbox.baseUrl} (config written to ${demoConfigPath})\n`);
  return { ...addresses, config, configPath: demoConfigPath, demo: true };
}

const settings = parseSettings(process.env);
runBridge(settings, (scope) => demoServices(settings, scope), { onSecondSignal: killServices }).catch((err) => {
  process.stderr.write(`bridge failed to start: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
