/**
 * Issue 17 item 1, a clean stop: `npm start` (node dist/workers/main.js, as package.json runs it)
 * starts its own Temporal dev server and Kafka broker in process groups of their own. Ctrl-C —
 * SIGINT to the terminal's whole foreground group — or SIGTERM to the bridge alone drains the
 * bridge first, then stops those services: every process is gone within 10 s and nothing was
 * logged at level error or as a stack trace. A second Ctrl-C ends everything at once; a start
 * that fails stops what it had started. Each case runs its own `npm start` on free ports with a
 * fresh DATA_DIR, so it needs no test stack.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { freePorts } from '../../platform/ports';
import { projectRoot } from '../../platform/paths';
import {
  baseEnv, projectConfig, spawnLogged, stopAllProcesses, tempDir, waitUntil, writeConfig, type ProcessHandle,
} from '../../tools/testkit/bridge-process';

const STOP_WITHIN_MS = 10_000;

interface Started { bridge: ProcessHandle; httpPort: number; services: number[] }

/** /proc/<pid>/stat after the command name — state, ppid, pgrp, … —, or undefined once the process is gone. */
function statOf(pid: number): string[] | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The name may hold spaces and parentheses: the fields start after the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** The pids whose parent is `pid`: the Temporal dev server and the Kafka JVM the bridge started. */
function childrenOf(pid: number): number[] {
  return fs.readdirSync('/proc').filter((entry) => /^\d+$/.test(entry) && statOf(Number(entry))?.[1] === String(pid)).map(Number);
}

function commandOf(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

const alive = (pid: number): boolean => {
  const state = statOf(pid)?.[0];
  return state !== undefined && state !== 'Z';
};

/** `npm start` (`node dist/workers/main.js --demo`) with every port its own, as the leader of a process group (the terminal's foreground group). */
async function startBridge(name: string, env: Record<string, string> = {}): Promise<Started> {
  const dataDir = await tempDir(`clean-stop-${name}`);
  const [temporal, ui, kafka, controller, http, sandbox, ringostat, metrics] = await freePorts(8);
  const { handle } = spawnLogged({
    name, args: [path.join(projectRoot, 'dist', 'workers', 'main.js'), '--demo'], cwd: projectRoot, dataDir, logDir: dataDir,
    env: {
      ...baseEnv(), DATA_DIR: dataDir, LOG_LEVEL: 'info',
      TEMPORAL_PORT: String(temporal), TEMPORAL_UI_PORT: String(ui), KAFKA_PORT: String(kafka), KAFKA_CONTROLLER_PORT: String(controller),
      HTTP_PORT: String(http), SANDBOX_PORT: String(sandbox), RINGOSTAT_STANDIN_PORT: String(ringostat),
      TEMPORAL_METRICS_ADDRESS: `127.0.0.1:${metrics}`,
      ...env,
    },
  });
  return { bridge: handle, httpPort: http!, services: [] };
}

async function startReady(name: string): Promise<Started> {
  const started = await startBridge(name);
  await waitUntil('/readyz answers 200', async () => {
    if (started.bridge.exited()) throw new Error(`${name} exited:\n${started.bridge.output()}`);
    const res = await fetch(`http://127.0.0.1:${started.httpPort}/readyz`).catch(() => undefined);
    return res?.status === 200 ? true : undefined;
  }, 120_000, () => started.bridge.output());
  started.services = childrenOf(started.bridge.pid).filter((pid) => /temporal|java/.test(commandOf(pid)));
  const commands = started.services.map(commandOf);
  assert.ok(commands.some((c) => c.includes('server start-dev')), `a Temporal dev server runs: ${commands.join('\n')}`);
  assert.ok(commands.some((c) => c.includes('kafka.Kafka')), `a Kafka JVM runs: ${commands.join('\n')}`);
  for (const pid of started.services) assert.equal(statOf(pid)?.[2], String(pid), `${commandOf(pid)} leads a process group of its own`);
  return started;
}

/** Resolves with the milliseconds until the bridge and every service it started are gone; fails past `withinMs`. */
async function goneWithin(started: Started, since: number, withinMs: number): Promise<number> {
  const pids = [started.bridge.pid, ...started.services];
  return waitUntil(`the bridge and its services gone within ${withinMs} ms`, async () => {
    if (pids.some(alive)) return undefined;
    return Date.now() - since;
  }, withinMs, () => `still running: ${pids.filter(alive).map(commandOf).join('\n')}\n${started.bridge.output()}`, 100);
}

/** Lines at pino level error or fatal (≥ 50), and stack-trace lines. */
function errorLines(output: string): string[] {
  return output.split('\n').filter((line) => {
    if (/^\s+at .+:\d+:\d+\)?$/.test(line)) return true;
    if (!line.startsWith('{')) return false;
    try {
      return ((JSON.parse(line) as { level?: number }).level ?? 0) >= 50;
    } catch {
      return false;
    }
  });
}

describe('npm start stops cleanly (issue 17 item 1)', () => {
  after(() => stopAllProcesses(2_000));

  it('Ctrl-C (SIGINT to the whole process group) drains the bridge, then stops Temporal and Kafka: all gone within 10 s, no error lines', async () => {
    const started = await startReady('ctrl-c');
    const since = Date.now();
    started.bridge.kill('SIGINT');
    const took = await goneWithin(started, since, STOP_WITHIN_MS);
    const { code } = await started.bridge.exit;
    assert.equal(code, 0, started.bridge.output());
    assert.deepEqual(errorLines(started.bridge.output()), [], started.bridge.output());
    assert.match(started.bridge.output(), /SIGINT: stopping/);
    process.stderr.write(`[clean-stop] Ctrl-C: everything gone in ${took} ms\n`);
  });

  it('SIGTERM to the bridge alone (a container stop) does the same', async () => {
    const started = await startReady('sigterm');
    const since = Date.now();
    process.kill(started.bridge.pid, 'SIGTERM');
    const took = await goneWithin(started, since, STOP_WITHIN_MS);
    assert.equal((await started.bridge.exit).code, 0, started.bridge.output());
    assert.deepEqual(errorLines(started.bridge.output()), [], started.bridge.output());
    process.stderr.write(`[clean-stop] SIGTERM: everything gone in ${took} ms\n`);
  });

  it('a second Ctrl-C ends everything at once', async () => {
    const started = await startReady('twice');
    const since = Date.now();
    started.bridge.kill('SIGINT');
    await new Promise((resolve) => setTimeout(resolve, 100));
    started.bridge.kill('SIGINT');
    const took = await goneWithin(started, since, 3_000);
    assert.equal((await started.bridge.exit).code, 130, started.bridge.output());
    process.stderr.write(`[clean-stop] Ctrl-C twice: everything gone in ${took} ms\n`);
  });

  it('a start that fails (a configured project, no BRIDGE_SECRET_KEY) stops the Temporal server and Kafka broker it started', async () => {
    const dir = await tempDir('clean-stop-config');
    const configPath = path.join(dir, 'bridge.json');
    await writeConfig(configPath, [projectConfig('acme', 'http://127.0.0.1:1/rest/1/abcdefghijklmnop/')]);
    const started = await startBridge('failed-start', { CONFIG_PATH: configPath });
    // The services it starts, noted while they run (the start fails only once they are up).
    const services = new Map<number, string>();
    const watch = setInterval(() => {
      for (const pid of childrenOf(started.bridge.pid)) if (/temporal|java/.test(commandOf(pid))) services.set(pid, commandOf(pid));
    }, 50);
    const { code } = await started.bridge.exit;
    clearInterval(watch);
    fs.rmSync(dir, { recursive: true, force: true });
    assert.equal(code, 1, started.bridge.output());
    assert.match(started.bridge.output(), /bridge failed to start: .*BRIDGE_SECRET_KEY/);
    const commands = [...services.values()];
    assert.ok(commands.some((c) => c.includes('server start-dev')) && commands.some((c) => c.includes('kafka.Kafka')), `it had started Temporal and Kafka:\n${commands.join('\n')}`);
    assert.deepEqual([...services.keys()].filter(alive).map(commandOf), [], 'nothing it started is left running');
  });
});
