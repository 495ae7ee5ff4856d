import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { projectRoot } from '../../platform/paths';
import type { ChildReply, ChildRequest } from './p6-child';

/** The parent's handle on tools/bench/p6-child.ts (the bridge or the floor): request/answer over IPC, one at a time. */
export interface ChildBridge {
  pid: number;
  start(options: Extract<ChildRequest, { type: 'start' }>['options']): Promise<void>;
  /** Starts the minimal floor instead of the bridge; resolves with its project id. */
  startFloor(options: Extract<ChildRequest, { type: 'start-floor' }>['options']): Promise<string>;
  memory(): Promise<{ rss: number; heapUsed: number }>;
  stop(): Promise<void>;
}

export function forkChildBridge(): ChildBridge {
  const child: ChildProcess = fork(require.resolve('./p6-child'), [], {
    // `--import tsx` resolves from the project root, whatever the parent was started with.
    execArgv: ['--import', 'tsx'],
    cwd: projectRoot,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ask = <T extends ChildReply['type']>(request: ChildRequest, expect: T, timeoutMs: number): Promise<Extract<ChildReply, { type: T }>> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => done(new Error(`bridge child: no "${expect}" answer in ${timeoutMs} ms`)), timeoutMs);
      const onMessage = (reply: ChildReply): void => {
        if (reply.type === 'error') done(new Error(`bridge child: ${reply.message}`));
        else if (reply.type === expect) done(undefined, reply as Extract<ChildReply, { type: T }>);
      };
      const onExit = (code: number | null): void => done(new Error(`bridge child exited (${code})`));
      function done(err?: Error, reply?: Extract<ChildReply, { type: T }>): void {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
        if (err) reject(err);
        else resolve(reply as Extract<ChildReply, { type: T }>);
      }
      child.on('message', onMessage);
      child.once('exit', onExit);
      child.send(request);
    });

  return {
    pid: child.pid ?? -1,
    async start(options) {
      await ask({ type: 'start', options }, 'ready', 120_000);
    },
    async startFloor(options) {
      return (await ask({ type: 'start-floor', options }, 'floor-ready', 120_000)).projectId;
    },
    async memory() {
      return ask({ type: 'memory' }, 'memory', 30_000);
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.send({ type: 'stop' } satisfies ChildRequest);
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
