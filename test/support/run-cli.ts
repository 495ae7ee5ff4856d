import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Harness } from './bridge-harness';
import { stackEnv } from './stack-env';

const root = join(__dirname, '..', '..');

/** Runs the operator CLI as a separate process against the harness's Kafka topic, Temporal and credentials. */
export async function runCli(h: Harness, args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const configPath = join(h.credentialsDir, 'config.json');
  await writeFile(configPath, JSON.stringify(h.config));
  return new Promise((resolve) => {
    const child = execFile(process.execPath, ['--import', 'tsx', join(root, 'cli', 'index.ts'), '--config', configPath, ...args], {
      cwd: root,
      env: {
        ...process.env,
        TEMPORAL_ADDRESS: h.temporalAddress,
        KAFKA_BROKERS: stackEnv().kafkaBrokers.join(','),
        CALL_EVENTS_TOPIC: h.topic,
        CREDENTIALS_DIR: h.credentialsDir,
      },
      timeout: 120_000,
    }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
    child.stdin?.end(input ?? '');
  });
}
