/**
 * The bridge process (the image's CMD): worker, dispatcher and HTTP service — or the parts
 * BRIDGE_COMPONENTS names — on the project config at CONFIG_PATH, against the Temporal and Kafka
 * of TEMPORAL_ADDRESS and KAFKA_BROKERS. workers/run-bridge.ts composes it. `--demo` (what
 * `npm start` passes) hands the process to the demo, a tool this build may not hold (the image does not).
 */
import { parseSettings } from '../config/settings';
import { handToDemo } from './demo-handoff';
import { deploymentServices } from './deployment-services';
import { runBridge } from './run-bridge';

/** A start with neither a config nor --demo: the image's, or a deployment that lost its CONFIG_PATH. */
const NO_CONFIG = 'bridge not started: CONFIG_PATH is not set. Give the bridge its project config (CONFIG_PATH=/path/to/bridge.yaml, ' +
  'docs/contracts.md §2), or pass --demo to run the demo project against the in-process Bitrix24 sandbox (npm start does).';

async function main(): Promise<void> {
  // The only read of the environment: everything below gets what it needs from `settings`.
  const settings = parseSettings(process.env);
  if (process.argv.includes('--demo')) return handToDemo();
  const { configPath } = settings;
  if (!configPath) {
    process.stderr.write(`${NO_CONFIG}\n`);
    process.exit(1);
  }
  await runBridge(settings, (_scope, logger) => deploymentServices(settings, configPath, process.env, logger));
}

main().catch((err) => {
  process.stderr.write(`bridge failed to start: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
