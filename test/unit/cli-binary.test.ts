/**
 * The `ringostat-bridge` command as an operator and a script meet it (docs/contracts.md §4): the real
 * binary in a child process, with no Kafka or Temporal behind the addresses it is given.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { spawnCli } from '../../tools/testkit/run-cli';

const root = resolve(__dirname, '../..');
const COMMANDS = [['reactivate'], ['status'], ['replay'], ['dlq', 'list'], ['dlq', 'redrive'], ['config', 'check'], ['config', 'schema'], ['simulate'], ['reconcile']];
const ENVIRONMENT = ['CONFIG_PATH', 'TEMPORAL_ADDRESS', 'TEMPORAL_NAMESPACE', 'KAFKA_BROKERS', 'BRIDGE_SECRET_KEY', 'CALL_EVENTS_TOPIC', 'LOG_LEVEL'];

/** A port nothing listens on: bound, noted, closed. */
async function deadAddress(): Promise<string> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return `127.0.0.1:${port}`;
}

describe('ringostat-bridge binary (docs/contracts.md §4)', () => {
  let dir: string;
  let config: string;
  let unreachable: Record<string, string>;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cli-binary-'));
    config = join(dir, 'bridge.json');
    await writeFile(config, JSON.stringify({
      projects: [{ id: 'acme', timeZone: 'Europe/Kyiv', bitrix24: { webhookUrl: 'http://127.0.0.1:1/rest/1/abcdefghijklmnop/' }, seniorManager: 1 }],
    }));
    unreachable = { TEMPORAL_ADDRESS: await deadAddress(), KAFKA_BROKERS: await deadAddress() };
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('--version prints package.json\'s version', async () => {
    const { version } = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { version: string };
    const run = await spawnCli(['--version']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, `${version}\n`);
  });

  it('--help names the environment it reads and the exit codes, on every command', async () => {
    const commands = [[], ...COMMANDS];
    const runs = await Promise.all(commands.map((command) => spawnCli([...command, '--help'])));
    for (const [i, run] of runs.entries()) {
      const command = commands[i]!;
      assert.equal(run.code, 0, run.stderr);
      for (const variable of ENVIRONMENT) assert.match(run.stdout, new RegExp(`^  ${variable}\\s`, 'm'), `${command.join(' ')} --help names ${variable}`);
      assert.match(run.stdout, /Exit codes: 0 done; 1 error/);
      if (command.length > 0) assert.match(run.stdout, /--json/, `${command.join(' ')} takes --json`);
    }
  });

  it('bad input exits 1; with --json the error is JSON on stdout', async () => {
    const missing = await spawnCli(['replay', '--project', 'acme', '--json']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /required option '--since/);
    assert.deepEqual(JSON.parse(missing.stdout), { error: "required option '--since <date>' not specified", exitCode: 1 });

    const badDate = await spawnCli(['--config', config, 'replay', '--project', 'acme', '--since', 'last tuesday', '--json']);
    assert.equal(badDate.code, 1);
    assert.match((JSON.parse(badDate.stdout) as { error: string }).error, /--since: "last tuesday" is not a date/);

    const unknown = await spawnCli(['--config', config, 'status', '--project', 'nope']);
    assert.equal(unknown.code, 1);
    assert.equal(unknown.stdout, '');
    assert.match(unknown.stderr, /^error: project "nope" is not in /m);
  });

  it('status exits 3 and still prints parseable JSON when Temporal and Kafka cannot be reached', async () => {
    const run = await spawnCli(['--config', config, 'status', '--json'], { env: unreachable });
    assert.equal(run.code, 3, run.stderr);
    const report = JSON.parse(run.stdout) as { problems: string[]; projects: { projectId: string; integration: { error?: string } }[]; kafka: { error?: string } };
    assert.equal(report.projects[0]?.projectId, 'acme');
    assert.match(report.projects[0]?.integration.error ?? '', /Temporal cannot be reached/);
    assert.match(report.kafka.error ?? '', /Kafka cannot be reached/);
    assert.equal(report.problems.length, 2, report.problems.join('\n'));
  });

  it('commands that need a server exit 1 naming the one that is unreachable', async () => {
    const dlq = await spawnCli(['dlq', 'list', '--json'], { env: unreachable });
    assert.equal(dlq.code, 1);
    assert.match((JSON.parse(dlq.stdout) as { error: string }).error, /^Kafka cannot be reached: no broker answers at /);
    const replay = await spawnCli(['--config', config, 'replay', '--project', 'acme', '--since', '2026-11-20'], { env: unreachable });
    assert.equal(replay.code, 1);
    assert.match(replay.stderr, /^error: Temporal cannot be reached/m);
  });

  it('--version loads no command and no client; a command loads only its own module (the CLI answers at once)', async () => {
    /** The project's modules and the clients a run of the compiled CLI with `args` loaded. */
    const loaded = async (args: string[]): Promise<string[]> => {
      const script = `require(${JSON.stringify(join(root, 'dist', 'cli', 'index.js'))}).main(['node', 'ringostat-bridge', ...${JSON.stringify(args)}])` +
        '.then(() => process.stderr.write(JSON.stringify(Object.keys(require.cache))))';
      const run = await spawnCli([], { command: [process.execPath, '-e', script] });
      assert.equal(run.code, 0, run.stderr);
      const modules = JSON.parse(run.stderr) as string[];
      return modules.flatMap((file) => {
        const client = /node_modules\/(@temporalio\/[^/]+|kafkajs)\//.exec(file)?.[1];
        if (client) return [client];
        return file.startsWith(join(root, 'dist')) ? [relative(join(root, 'dist'), file)] : [];
      });
    };
    const version = await loaded(['--version']);
    assert.deepEqual(version.filter((m) => m.startsWith('cli/commands/') || m === 'cli/context.js' || !m.endsWith('.js')), [], 'nothing heavy for --version');
    const status = new Set(await loaded(['status', '--help']));
    assert.ok(status.has('cli/commands/status.js'));
    for (const other of ['dlq', 'replay', 'reactivate', 'reconcile', 'simulate', 'config-check']) assert.ok(!status.has(`cli/commands/${other}.js`), `status loads no ${other}`);
  });

  it('npx ringostat-bridge runs the build in the checkout, and prints nothing but JSON on stdout', async () => {
    const run = await spawnCli(['--config', config, 'config', 'check', '--json'], { command: ['npx', '--no-install', 'ringostat-bridge'] });
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), { file: config, valid: true, projects: ['acme'] });
  });

  it('npm run bridge -- still works', async () => {
    const run = await spawnCli(['--version'], { command: ['npm', 'run', '--silent', 'bridge', '--'] });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^\d+\.\d+\.\d+\n$/);
  });
});
