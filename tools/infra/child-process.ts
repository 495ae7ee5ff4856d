import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import type { InfraLog } from './infra-log';

/** Keeps the last lines a process printed, so a failure can say *why* without dumping everything. */
export class OutputTail {
  private readonly lines: string[] = [];
  private partial = '';

  constructor(private readonly max = 40) {}

  /** Feeds raw output; returns the complete lines it contained (for live progress). */
  push(chunk: Buffer | string): string[] {
    const text = this.partial + chunk.toString();
    const parts = text.split(/\r?\n|\r/);
    this.partial = parts.pop() ?? '';
    const complete = parts.filter((line) => line.trim() !== '');
    for (const line of complete) {
      this.lines.push(line);
      if (this.lines.length > this.max) this.lines.shift();
    }
    return complete;
  }

  text(): string {
    return [...this.lines, this.partial].filter((line) => line.trim() !== '').join('\n');
  }
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  log?: InfraLog;
  /** Which output lines to echo through `log` while running (default: none). */
  showLine?: (line: string) => boolean;
}

/** Runs a command to completion; rejects with the output tail when it fails. */
export function runCommand(command: string, args: string[], options: RunOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const tail = new OutputTail(60);
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const onData = (chunk: Buffer): void => {
      for (const line of tail.push(chunk)) {
        if (options.log && options.showLine?.(line)) options.log(line);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (error) => reject(new Error(`could not run ${command}: ${error.message}`)));
    child.on('close', (code, signal) => {
      if (code === 0) resolve(tail.text());
      else reject(new Error(`${command} ${args.join(' ')} failed (${signal ?? `exit ${code}`}):\n${tail.text()}`));
    });
  });
}

/** The services this process started and that still run. */
const services = new Set<ChildProcess>();

/** Signals the child's whole process group (it leads one: see spawnService). */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || hasExited(child)) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is gone already.
  }
}

/** Ends every service this process started, at once (a second Ctrl-C; an exit without a stop). */
export function killServices(): void {
  for (const child of services) signalGroup(child, 'SIGKILL');
}

// Whatever way this process ends, no service it started outlives it.
process.once('exit', killServices);

/**
 * Spawns a long-running service whose output is kept in a tail for error messages. It leads a
 * process group of its own (detached): a terminal's Ctrl-C signals the foreground group, which
 * must reach only the process that started it, so that the bridge drains while Temporal and Kafka
 * still answer and then stops them itself (stopChild).
 */
export function spawnService(command: string, args: string[], options: SpawnOptions = {}): { child: ChildProcess; tail: OutputTail } {
  const tail = new OutputTail(60);
  // A caller may send the output to a file instead (stdio); then the tail stays empty.
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options, detached: true });
  services.add(child);
  child.once('exit', () => services.delete(child));
  child.stdout?.on('data', (chunk: Buffer) => tail.push(chunk));
  child.stderr?.on('data', (chunk: Buffer) => tail.push(chunk));
  // Without a listener a spawn failure (ENOENT) would crash the process instead of failing the start.
  child.on('error', (error) => tail.push(`spawn error: ${error.message}\n`));
  return { child, tail };
}

export function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (hasExited(child)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.off('exit', onExit);
      resolve(false);
    }, timeoutMs);
    const onExit = (): void => {
      clearTimeout(timer);
      resolve(true);
    };
    child.once('exit', onExit);
  });
}

/**
 * SIGTERM first so the service can flush (Kafka closes its logs cleanly, Temporal its SQLite
 * file); SIGKILL only if it hangs, so a stop never leaves a process behind.
 */
export async function stopChild(child: ChildProcess, timeoutMs = 15_000): Promise<void> {
  if (hasExited(child)) return;
  signalGroup(child, 'SIGTERM');
  if (await waitForExit(child, timeoutMs)) return;
  signalGroup(child, 'SIGKILL');
  await waitForExit(child, 5_000);
}

/**
 * Polls `check` until it returns true. Resolves to undefined when ready, or to the reason it
 * gave up: the deadline passed, or `abort` reported one (e.g. the process already exited).
 */
export async function waitUntil(
  check: () => Promise<boolean>,
  options: { timeoutMs: number; intervalMs?: number; abort?: () => string | undefined },
): Promise<string | undefined> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const aborted = options.abort?.();
    if (aborted) return aborted;
    if (await check().catch(() => false)) return undefined;
    if (Date.now() >= deadline) return `not ready after ${Math.round(options.timeoutMs / 1000)} s`;
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 250));
  }
}
