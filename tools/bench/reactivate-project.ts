import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { projectRoot } from '../../platform/paths';
import type { BenchEnv } from './bench-env';

/**
 * Reactivates a broken project with a new webhook, the way an operator does — the only place
 * the benchmarks know how: the CLI, `reactivate --project ID --webhook-url -` in a process of
 * its own, with the env's config, Kafka topic, Temporal and BRIDGE_SECRET_KEY. It seals the
 * webhook and sends it as an update to `integration:{projectId}`, which checks it, resumes the
 * parked calls and resends the last 3 days; the CLI watches until the resend finished. P7
 * counts whatever this causes in Temporal, so a change of mechanism is measured as it is.
 */
export async function reactivateProject(env: BenchEnv, projectId: string, newWebhookUrl: string): Promise<string> {
  const configPath = join(env.workDir, 'bench-config.json');
  await writeFile(configPath, JSON.stringify(env.config), { mode: 0o600 });
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, ['--import', 'tsx', join(projectRoot, 'cli', 'index.ts'), '--config', configPath,
      'reactivate', '--project', projectId, '--webhook-url', '-'], {
      cwd: projectRoot,
      env: {
        ...process.env,
        TEMPORAL_ADDRESS: env.stack.temporalAddress,
        KAFKA_BROKERS: env.stack.kafkaBrokers.join(','),
        CALL_EVENTS_TOPIC: env.topic,
        BRIDGE_SECRET_KEY: env.secretKey,
        LOG_LEVEL: 'error',
      },
      timeout: 180_000,
    }, (err, stdout, stderr) => {
      if (err) reject(new Error(`reactivate ${projectId} failed: ${err.message}\n${stdout}${stderr}`));
      else resolve(stdout.trim());
    });
    // On stdin: the secret stays out of the process list, as the README tells operators.
    child.stdin?.end(`${newWebhookUrl}\n`);
  });
}
