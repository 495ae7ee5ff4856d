import type { BenchEnv } from './bench-env';
import { runBenchCli } from './bench-cli';

/**
 * Reactivates a broken project with a new webhook, the way an operator does — the only place
 * the benchmarks know how: the CLI, `reactivate --project ID --webhook-url -` in a process of
 * its own, with the env's config, Kafka topic, Temporal and BRIDGE_SECRET_KEY. It seals the
 * webhook and sends it as an update to `integration:{projectId}`, which checks it, resumes the
 * parked calls and resends the last 3 days; the CLI watches until the resend finished. P7
 * counts whatever this causes in Temporal, so a change of mechanism is measured as it is.
 */
export async function reactivateProject(env: BenchEnv, projectId: string, newWebhookUrl: string, timeoutMs = 180_000): Promise<string> {
  const run = await runBenchCli(env, ['reactivate', '--project', projectId, '--webhook-url', '-'], { stdin: `${newWebhookUrl}\n`, timeoutMs });
  if (run.code !== 0) throw new Error(`reactivate ${projectId} failed (exit ${run.code})\n${run.stdout}${run.stderr}`);
  return run.stdout;
}
