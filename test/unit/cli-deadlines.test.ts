/**
 * The CLI against servers that accept a connection and never answer (a hung broker, a frontend
 * behind a load balancer): every command ends within its deadline (--timeout, default 10 s),
 * names what did not answer, exits with its code (docs/contracts.md §4), and shows no library's
 * log lines. The real binary in a child process, timed from spawn to exit.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { spawnCli, type CliRun } from '../../tools/testkit/run-cli';
import { startSilentServer, type SilentServer } from '../../tools/testkit/silent-server';

/** Node's start, tsx compiling the CLI, and closing: the binary's own time beside the deadline. */
const SLACK_MS = 4000;

async function timed(args: string[], env: Record<string, string>): Promise<CliRun & { ms: number }> {
  const started = performance.now();
  const run = await spawnCli(args, { env });
  return { ...run, ms: performance.now() - started };
}

/** No pino JSON line, no kafkajs, no Node warning: only the CLI's own words on stderr. */
function assertQuietStderr(stderr: string): void {
  for (const line of stderr.split('\n').filter(Boolean)) {
    assert.doesNotMatch(line, /^\s*\{/, `raw JSON on stderr: ${line}`);
    assert.doesNotMatch(line, /kafkajs|TimeoutNegativeWarning|\(node:\d+\)/i, `library output on stderr: ${line}`);
  }
}

describe('CLI deadlines against a listening-but-silent port (docs/contracts.md §4, --timeout)', () => {
  let dir: string;
  let config: string;
  let temporal: SilentServer;
  let kafka: SilentServer;
  let env: Record<string, string>;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cli-deadlines-'));
    config = join(dir, 'bridge.json');
    await writeFile(config, JSON.stringify({
      projects: [{ id: 'acme', timeZone: 'Europe/Kyiv', bitrix24: { webhookUrl: 'http://127.0.0.1:1/rest/1/abcdefghijklmnop/' }, seniorManager: 1 }],
    }));
    [temporal, kafka] = await Promise.all([startSilentServer(), startSilentServer()]);
    env = { TEMPORAL_ADDRESS: temporal.address, KAFKA_BROKERS: kafka.address };
  });
  after(async () => {
    await Promise.all([temporal.close(), kafka.close()]);
    await rm(dir, { recursive: true, force: true });
  });

  it('status --json --timeout 2: both servers named, exit 3, within 2 s + slack, the report still parseable', async () => {
    const run = await timed(['--config', config, '--timeout', '2', 'status', '--json'], env);
    assert.equal(run.code, 3, run.stderr);
    assert.ok(run.ms < 2000 + SLACK_MS, `status took ${Math.round(run.ms)} ms`);
    const report = JSON.parse(run.stdout) as { problems: string[] };
    assert.deepEqual([...report.problems].sort(), [
      `Kafka cannot be reached: no broker at ${kafka.address} accepted the connection but did not answer within 2 s (--timeout)`,
      `Temporal cannot be reached: Temporal at ${temporal.address} accepted the connection but did not answer within 2 s (--timeout)`,
    ]);
    assertQuietStderr(run.stderr);
    assert.ok(temporal.accepted() > 0 && kafka.accepted() > 0, 'the CLI connected to both silent servers');
  });

  it('dlq list --json --timeout 2: exit 1 naming the Kafka brokers, within 2 s + slack', async () => {
    const run = await timed(['--config', config, '--timeout', '2', 'dlq', 'list', '--json'], env);
    assert.equal(run.code, 1, run.stderr);
    assert.ok(run.ms < 2000 + SLACK_MS, `dlq list took ${Math.round(run.ms)} ms`);
    assert.deepEqual(JSON.parse(run.stdout), {
      error: `Kafka cannot be reached: no broker at ${kafka.address} accepted the connection but did not answer within 2 s (--timeout)`, exitCode: 1,
    });
    assert.match(run.stderr, /^error: Kafka cannot be reached: no broker at 127\.0\.0\.1:\d+ accepted the connection but did not answer within 2 s/m);
    assertQuietStderr(run.stderr);
  });

  it('simulate --timeout 1.5: exit 1 naming the Kafka brokers, within 1.5 s + slack, nothing published', async () => {
    const run = await timed(['--config', config, '--timeout', '1.5', 'simulate', '--project', 'acme', '--calls', '3'], env);
    assert.equal(run.code, 1, run.stderr);
    assert.ok(run.ms < 1500 + SLACK_MS, `simulate took ${Math.round(run.ms)} ms`);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /^error: Kafka cannot be reached: no broker at 127\.0\.0\.1:\d+ accepted the connection but did not answer within 1\.5 s \(--timeout\)$/m);
    assertQuietStderr(run.stderr);
  });

  it('replay names Temporal when Temporal is the silent one', async () => {
    const run = await timed(['--config', config, '--timeout', '2', 'replay', '--project', 'acme', '--since', '2026-11-20'], env);
    assert.equal(run.code, 1, run.stderr);
    assert.ok(run.ms < 2000 + SLACK_MS, `replay took ${Math.round(run.ms)} ms`);
    assert.match(run.stderr, new RegExp(`^error: Temporal cannot be reached: Temporal at ${temporal.address.replace(/\./g, '\\.')} accepted the connection but did not answer within 2 s`, 'm'));
    assertQuietStderr(run.stderr);
  });

  it('the default deadline is 10 s: status --json without --timeout ends after 10 s and well before kafkajs\'s own retries', async () => {
    const run = await timed(['--config', config, 'status', '--json'], env);
    assert.equal(run.code, 3, run.stderr);
    assert.ok(run.ms >= 10_000 && run.ms < 10_000 + SLACK_MS, `status took ${Math.round(run.ms)} ms`);
    assert.match((JSON.parse(run.stdout) as { problems: string[] }).problems.join('\n'), /did not answer within 10 s/);
    assertQuietStderr(run.stderr);
  });

  it('--timeout takes a positive number of seconds only', async () => {
    const run = await spawnCli(['--timeout', '0', 'config', 'schema']);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /--timeout <seconds>' argument '0' is invalid. must be a positive number/);
  });
});
