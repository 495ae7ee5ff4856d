/**
 * `npm test`: builds dist/ when it is missing or stale (the CLI and bridge processes the tests
 * spawn run the build, as users run it), starts Temporal + Kafka ONCE on test ports (not the dev ports, so a running
 * `npm start` is not disturbed), then runs node:test over the given files, or every
 * test/unit/**\/*.test.ts followed by test/integration/**\/*.test.ts. Tests find the services
 * through TEMPORAL_ADDRESS / KAFKA_BROKERS (see tools/testkit/stack-env.ts); when those are
 * already set, nothing is started. The stack is always stopped and its temp data removed.
 * STACK=cluster runs the same files on the cluster stack instead (tools/infra/cluster: three Kafka
 * nodes, Temporal's four services on PostgreSQL), with STACK_CONTROL_URL for the fault test.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../../platform/paths';
import { freePorts, isPortListening } from '../../platform/ports';
import { startStack, type Stack } from '../infra/stack';
import { startClusterStack } from '../infra/cluster/cluster-stack';
import { startFaultControl, type FaultControl } from '../infra/cluster/fault-control';

const TEST_PORTS = { temporalPort: 17233, uiPort: 18233, kafkaPort: 19092, controllerPort: 19093 };

/**
 * The fixed test ports, unless another run holds them (a colleague's `npm test` on the same
 * machine): that run stops its stack when its own tests end, so sharing it would pull the
 * services out from under ours. Then a fresh stack on free ports instead. To reuse a running
 * stack on purpose, set TEMPORAL_ADDRESS and KAFKA_BROKERS.
 */
async function choosePorts(): Promise<typeof TEST_PORTS> {
  const busy = await Promise.all(Object.values(TEST_PORTS).map((port) => isPortListening('127.0.0.1', port)));
  if (!busy.some(Boolean)) return TEST_PORTS;
  const [temporalPort, uiPort, kafkaPort, controllerPort] = await freePorts(4);
  const ports = { temporalPort: temporalPort!, uiPort: uiPort!, kafkaPort: kafkaPort!, controllerPort: controllerPort! };
  process.stderr.write(`[run-tests] test ports busy (another run?): using ${JSON.stringify(ports)}\n`);
  return ports;
}

/** Node 20's --test takes no globs, so the files are listed here, sorted for a stable order. */
function findTests(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const found: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...findTests(full));
    else if (entry.isFile() && entry.name.endsWith('.test.ts')) found.push(full);
  }
  return found.sort();
}

function testFiles(args: string[]): string[] {
  if (args.length > 0) return args.map((file) => path.resolve(file));
  // Unit tests first: they fail fast and need no services.
  return [...findTests(path.join(projectRoot, 'test', 'unit')), ...findTests(path.join(projectRoot, 'test', 'integration'))];
}

function runNodeTest(files: string[], env: NodeJS.ProcessEnv): Promise<number> {
  // One file at a time: the files share one broker and one Temporal server.
  const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', ...files], {
    cwd: projectRoot,
    env,
    stdio: 'inherit',
  });
  const forward = (signal: NodeJS.Signals): void => {
    child.kill(signal);
  };
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  return new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolve(code ?? (signal ? 128 + (os.constants.signals[signal] ?? 1) : 1));
    });
  });
}

/** `npm run build --if-stale`; its workflow bundle serves every test file's workers too. */
function ensureBuild(): string {
  const build = spawnSync(process.execPath, [path.join(projectRoot, 'tools', 'build', 'build'), '--if-stale'], { cwd: projectRoot, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('the build failed (npm run build)');
  return path.join(projectRoot, 'dist', 'workflow-bundle.js');
}

async function main(): Promise<number> {
  const files = testFiles(process.argv.slice(2));
  if (files.length === 0) {
    process.stderr.write('no test files found\n');
    return 0;
  }

  let interrupted = false;
  const onSignalDuringStart = (): void => {
    interrupted = true;
  };
  // Until the tests run, a Ctrl+C must not kill us before the stack is stopped again.
  process.on('SIGINT', onSignalDuringStart);
  process.on('SIGTERM', onSignalDuringStart);

  const bundlePath = ensureBuild();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bridge-test-'));
  let stack: Stack | undefined;
  let control: FaultControl | undefined;
  const cluster = process.env.STACK === 'cluster';
  try {
    const started = Date.now();
    if (cluster) {
      // Headless: no test drives the cluster's UI, and its first build would only add time.
      const clusterStack = await startClusterStack({ dataDir, headless: true });
      stack = clusterStack;
      control = await startFaultControl(clusterStack);
    } else {
      stack = await startStack({ dataDir, ...(await choosePorts()) });
    }
    process.stderr.write(
      `[run-tests] ${cluster ? 'cluster ' : ''}stack ready in ${((Date.now() - started) / 1000).toFixed(1)} s: ` +
        `TEMPORAL_ADDRESS=${stack.temporalAddress} KAFKA_BROKERS=${stack.kafkaBrokers.join(',')}\n`,
    );
    process.off('SIGINT', onSignalDuringStart);
    process.off('SIGTERM', onSignalDuringStart);
    if (interrupted) return 130;

    return await runNodeTest(files, {
      ...process.env,
      TEMPORAL_ADDRESS: stack.temporalAddress,
      KAFKA_BROKERS: stack.kafkaBrokers.join(','),
      KAFKAJS_NO_PARTITIONER_WARNING: '1',
      WORKFLOW_BUNDLE_PATH: bundlePath,
      ...(control ? { STACK_CONTROL_URL: control.url } : {}),
      // The dev server's Web UI, for the browser test (absent when Temporal is external).
      ...(stack.temporalUiUrl ? { TEMPORAL_UI_URL: stack.temporalUiUrl } : {}),
    });
  } finally {
    // Ignore further signals while stopping: a second Ctrl+C would otherwise orphan the JVM.
    process.on('SIGINT', () => undefined);
    process.on('SIGTERM', () => undefined);
    await control?.stop();
    await stack?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`[run-tests] ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
