import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Harness } from './bridge-harness';
import { stackEnv } from './stack-env';

const root = join(__dirname, '..', '..');
/** The operator's command itself (package.json "bin"), not cli/index.ts: what `npx ringostat-bridge` runs. */
export const cliBinary = join(root, 'bin', 'ringostat-bridge');

export interface CliRun { code: number; stdout: string; stderr: string }

/**
 * Runs the CLI binary as a separate process. `env` values of `undefined` remove the variable,
 * so the test's own CONFIG_PATH and friends never leak into the child by accident.
 */
export function spawnCli(args: string[], options: { env?: Record<string, string | undefined>; input?: string; command?: string[] } = {}): Promise<CliRun> {
  const env: NodeJS.ProcessEnv = { ...process.env, CONFIG_PATH: undefined, ...options.env };
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete env[key];
  const [file, ...prefix] = options.command ?? [process.execPath, cliBinary];
  return new Promise((resolve) => {
    const child = execFile(file!, [...prefix, ...args], { cwd: root, env, timeout: 120_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
    child.stdin?.end(options.input ?? '');
  });
}

// One config file per harness, in the OS temp dir (the harness's config never changes).
const configFiles = new WeakMap<Harness, Promise<string>>();

async function configFile(h: Harness): Promise<string> {
  let file = configFiles.get(h);
  if (!file) {
    file = mkdtemp(join(tmpdir(), 'bridge-cli-')).then(async (dir) => {
      await writeFile(join(dir, 'config.json'), JSON.stringify(h.config));
      return join(dir, 'config.json');
    });
    configFiles.set(h, file);
  }
  return file;
}

/** Runs the CLI against the harness's Kafka topic, Temporal and config. */
export async function runCli(h: Harness, args: string[], input?: string): Promise<CliRun> {
  return spawnCli(['--config', await configFile(h), ...args], {
    input,
    env: {
      TEMPORAL_ADDRESS: h.temporalAddress,
      KAFKA_BROKERS: stackEnv().kafkaBrokers.join(','),
      CALL_EVENTS_TOPIC: h.topic,
      // The deployment's key: the CLI seals the webhook it hands to the integration workflow (R4).
      BRIDGE_SECRET_KEY: h.secretKey,
    },
  });
}
