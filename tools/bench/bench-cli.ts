import { execFile } from 'node:child_process';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { projectRoot } from '../../platform/paths';
import type { BenchEnv } from './bench-env';

export interface CliRun { code: number; stdout: string; stderr: string; ms: number }

/**
 * The operator CLI in a process of its own, as an operator runs it, against a benchmark's world:
 * its config file, Kafka topic, Temporal and BRIDGE_SECRET_KEY. `stdin` carries a secret (a
 * webhook), so that it stays out of the process list. Resolves with the exit code; never rejects
 * for a non-zero one (the caller decides what an exit means).
 */
export async function runBenchCli(env: BenchEnv, args: readonly string[], options: { stdin?: string; timeoutMs?: number } = {}): Promise<CliRun> {
  const configPath = join(env.workDir, 'bench-config.json');
  // Written aside and renamed into place: a CLI already running (reactivate, while status runs
  // beside it) never reads a half-written file.
  const staged = `${configPath}.${process.pid}.${Date.now()}.${Math.random().toString(36).slice(2)}`;
  await writeFile(staged, JSON.stringify(env.config), { mode: 0o600 });
  await rename(staged, configPath);
  const started = Date.now();
  return new Promise((resolve) => {
    const child = execFile(process.execPath, ['--import', 'tsx', join(projectRoot, 'cli', 'index.ts'), '--config', configPath, ...args], {
      cwd: projectRoot,
      env: {
        ...process.env,
        TEMPORAL_ADDRESS: env.stack.temporalAddress,
        KAFKA_BROKERS: env.stack.kafkaBrokers.join(','),
        CALL_EVENTS_TOPIC: env.topic,
        BRIDGE_SECRET_KEY: env.secretKey,
        LOG_LEVEL: 'error',
      },
      timeout: options.timeoutMs ?? 180_000,
    }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout: stdout.trim(), stderr: stderr.trim(), ms: Date.now() - started });
    });
    child.stdin?.end(options.stdin ?? '');
  });
}
