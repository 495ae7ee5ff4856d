import fs from 'node:fs';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { hasExited, runCommand, spawnService, stopChild, waitUntil } from '../child-process';
import type { InfraLog } from '../infra-log';

/**
 * A private PostgreSQL cluster for Temporal: initdb into a directory of ours, one server process on
 * a port of ours (never the machine's own cluster on 5432). Debian's postgresql-15 package gives the
 * binaries (PG_BIN overrides where they are).
 */

/** Temporal's role; trust authentication on loopback, so the password is only for the config's sake. */
export const POSTGRES_USER = 'temporal';
export const POSTGRES_PASSWORD = 'temporal';

export interface PostgresOptions {
  /** Holds the cluster (pgdata/) and the server log; kept across restarts. */
  dataDir: string;
  port: number;
  host?: string;
  log: InfraLog;
}

export interface PostgresServer {
  host: string;
  port: number;
  /** Stops (fast shutdown) and starts the server again on the same data: a fault for the cluster test. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** The newest /usr/lib/postgresql/<major>/bin, unless PG_BIN names one. */
export function postgresBinDir(): string {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const root = '/usr/lib/postgresql';
  const majors = fs.existsSync(root) ? fs.readdirSync(root).filter((d) => /^\d+$/.test(d)).sort((a, b) => Number(b) - Number(a)) : [];
  if (majors.length === 0) throw new Error('PostgreSQL is not installed: apt-get install postgresql-15 (or set PG_BIN to its bin/ folder)');
  return path.join(root, majors[0]!, 'bin');
}

/** PostgreSQL refuses to run as root: then every command runs as the `postgres` user the package created. */
function asServerUser(command: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
}

/**
 * Run as root, the data dir must belong to `postgres`, and that user must be able to walk to it:
 * the temp dirs above it (mkdtemp: 0700) get the search bit for others, nothing more.
 */
async function giveToServerUser(dir: string): Promise<void> {
  if (process.getuid?.() !== 0) return;
  await runCommand('chown', ['-R', 'postgres:postgres', dir]);
  for (let parent = path.dirname(dir); parent !== path.dirname(parent); parent = path.dirname(parent)) {
    const mode = fs.statSync(parent).mode;
    if ((mode & 0o001) === 0) fs.chmodSync(parent, mode | 0o001);
  }
}

async function initCluster(binDir: string, pgdata: string): Promise<void> {
  if (fs.existsSync(path.join(pgdata, 'PG_VERSION'))) return;
  fs.mkdirSync(pgdata, { recursive: true, mode: 0o700 });
  await giveToServerUser(pgdata);
  const [command, args] = asServerUser(path.join(binDir, 'initdb'), ['-D', pgdata, '-U', POSTGRES_USER, '--auth=trust', '--encoding=UTF8', '--locale=C']);
  await runCommand(command, args);
}

function isReady(binDir: string, host: string, port: number): Promise<boolean> {
  return runCommand(path.join(binDir, 'pg_isready'), ['-h', host, '-p', String(port), '-U', POSTGRES_USER, '-t', '1']).then(() => true, () => false);
}

export async function startPostgres(options: PostgresOptions): Promise<PostgresServer> {
  const host = options.host ?? '127.0.0.1';
  const binDir = postgresBinDir();
  const dataDir = path.resolve(options.dataDir);
  const pgdata = path.join(dataDir, 'pgdata');
  fs.mkdirSync(dataDir, { recursive: true });
  await initCluster(binDir, pgdata);

  let child: ChildProcess | undefined;
  const start = async (): Promise<void> => {
    const [command, args] = asServerUser(path.join(binDir, 'postgres'), [
      '-D', pgdata, '-p', String(options.port),
      '-c', `listen_addresses=${host}`,
      // The socket in the data dir: /var/run/postgresql may not exist or belong to the machine's cluster.
      '-c', `unix_socket_directories=${pgdata}`,
      // Four Temporal services × (default + visibility pools) stay well under this.
      '-c', 'max_connections=200',
      '-c', 'shared_buffers=128MB',
    ]);
    const spawned = spawnService(command, args);
    child = spawned.child;
    const failure = await waitUntil(() => isReady(binDir, host, options.port), {
      timeoutMs: 60_000,
      intervalMs: 300,
      abort: () => (child && hasExited(child) ? `exited with ${child.signalCode ?? `code ${child.exitCode}`}` : undefined),
    });
    if (failure) {
      await stopChild(spawned.child, 5_000);
      throw new Error(`PostgreSQL on ${host}:${options.port} did not start (${failure}):\n${spawned.tail.text()}`);
    }
  };
  // SIGTERM to postgres is a "smart" shutdown that waits for clients; SIGINT is the fast one.
  const stop = async (): Promise<void> => {
    if (!child || hasExited(child)) return;
    if (child.pid !== undefined) process.kill(-child.pid, 'SIGINT');
    await stopChild(child, 30_000);
  };
  await start();
  options.log(`PostgreSQL on ${host}:${options.port} (data ${pgdata})`);
  return {
    host,
    port: options.port,
    restart: async () => {
      await stop();
      await start();
    },
    stop,
  };
}
