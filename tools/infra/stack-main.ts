/**
 * `tsx tools/infra/stack-main.ts`: runs Temporal (with its Web UI) and Kafka for local use until
 * Ctrl+C / SIGTERM, then stops what it started. Ports follow the usual defaults unless
 * TEMPORAL_PORT, TEMPORAL_UI_PORT, KAFKA_PORT, KAFKA_CONTROLLER_PORT say otherwise.
 * `--cluster` runs the cluster stack instead (README "Cluster stack"): three Kafka nodes and
 * Temporal's four services on PostgreSQL and its Web UI, state in .data/cluster, Temporal on
 * TEMPORAL_PORT and the UI on TEMPORAL_UI_PORT, or free ports.
 */
import { startStack, type Stack } from './stack';
import { startClusterStack } from './cluster/cluster-stack';

function portFromEnv(name: string): number | undefined {
  const value = process.env[name];
  if (value === undefined || value === '') return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`${name}=${value} is not a port number`);
  return port;
}

async function main(): Promise<void> {
  // Shared with the signal handler, which may fire before the stack exists.
  const state: { stack?: Stack; stopping: boolean } = { stopping: false };
  const stopAndExit = (current: Stack): void => {
    current.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`stop failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  const shutdown = (signal: NodeJS.Signals): void => {
    if (state.stopping) return;
    state.stopping = true;
    process.stderr.write(`\n${signal}: stopping the stack…\n`);
    // Still starting: main() stops it as soon as startStack returns (which it does on its own failure too).
    if (state.stack) stopAndExit(state.stack);
  };
  // Registered before starting, so a Ctrl+C during a slow first start still cleans up what came up.
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);

  const started = Date.now();
  const stack = process.argv.includes('--cluster')
    ? await startClusterStack({ temporalPort: portFromEnv('TEMPORAL_PORT'), uiPort: portFromEnv('TEMPORAL_UI_PORT') })
    : await startStack({
        temporalPort: portFromEnv('TEMPORAL_PORT'),
        uiPort: portFromEnv('TEMPORAL_UI_PORT'),
        kafkaPort: portFromEnv('KAFKA_PORT'),
        controllerPort: portFromEnv('KAFKA_CONTROLLER_PORT'),
      });
  state.stack = stack;
  if (state.stopping) {
    stopAndExit(stack);
    return;
  }
  process.stdout.write(
    [
      `stack ready in ${((Date.now() - started) / 1000).toFixed(1)} s`,
      `TEMPORAL_ADDRESS=${stack.temporalAddress}`,
      `KAFKA_BROKERS=${stack.kafkaBrokers.join(',')}`,
      `Temporal UI: ${stack.temporalUiUrl ?? '(not started here)'}`,
      'Ctrl+C to stop.',
      '',
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
