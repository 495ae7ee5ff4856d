import fs from 'node:fs';
import path from 'node:path';
import { spawnService, stopChild, waitUntil, hasExited } from './child-process';
import { stderrLog, type InfraLog } from './infra-log';
import { isPortListening } from '../../platform/ports';
import { ensureSearchAttributes, KEYWORD, searchAttributeNames } from '../../workers/search-attributes';
import { withShortConnection } from '../../platform/short-temporal-connection';
import { ensureTemporalCli } from './temporal-cli';
import { taskQueuePartitions } from './task-queue-partitions';

/**
 * Dynamic config of the dev server (values are JSON). Worker Versioning is on by default in the
 * server (system.enableDeploymentVersions, frontend.workerVersioningWorkflowAPIs); what changes
 * here is how soon a build that stopped being current reports "drained": a cluster re-checks
 * every 3 min after a 3 min grace (visibility may lag there), a single dev box needs neither, so
 * `ringostat-bridge deployment wait-drained` and the overlapping-deploy test answer in seconds.
 */
export const DEV_DYNAMIC_CONFIG: Readonly<Record<string, string>> = {
  'matching.wv.VersionDrainageStatusVisibilityGracePeriod': '"2s"',
  'matching.wv.VersionDrainageStatusRefreshInterval': '"2s"',
};

/**
 * The dev server's SQLite file in write-ahead-log mode, synced at checkpoints rather than at every
 * commit. Its default (rollback journal, full sync) costs every Temporal write a few fsyncs over
 * one connection: on the 2-core build box the disk's ~560 flushes/s were the ceiling of the whole
 * stack, and live calls behind a draining backlog had p99 8 s (P8), 1.5–2.2 s with these. A killed
 * server loses nothing it committed (the log is in the file); only a power cut or an OS crash may
 * lose its last moments, which a dev server may. Production Temporal has its own database.
 */
export const DEV_SQLITE_PRAGMAS: readonly string[] = ['journal_mode=wal', 'synchronous=normal'];

export interface TemporalDevServerOptions {
  /** SQLite file: persistent, so parked call workflows survive a restart of the bridge. */
  dbFile: string;
  ip?: string;
  port?: number;
  uiPort?: number;
  /** No Web UI (saves memory in tests). */
  headless?: boolean;
  namespace?: string;
  /** Binary to run; found or installed with ensureTemporalCli when omitted. */
  cliPath?: string;
  log?: InfraLog;
  startTimeoutMs?: number;
  /** Serve the server's Prometheus metrics on this port (benchmarks read its work per call). */
  metricsPort?: number;
}

export interface TemporalDevServer {
  /** host:port of the frontend gRPC service. */
  address: string;
  /** Web UI, unless headless. For a reused server this is where the UI would be by convention. */
  uiUrl: string | undefined;
  /** True when a server was already listening and this call started nothing. */
  reused: boolean;
  /** Stops the server this call started (a no-op for a reused one). */
  stop(): Promise<void>;
  /** `http://…/metrics`, when started here with metricsPort. */
  metricsUrl?: string;
  /** The server's process, when started here: its CPU time is the stack's ceiling on this box (tools/bench). */
  pid?: number;
}


/** True when `address` answers as a Temporal frontend serving `namespace`. */
export async function isTemporalServer(address: string, namespace = 'default', timeoutMs = 3_000): Promise<boolean> {
  try {
    await withShortConnection(address, timeoutMs, (c) => c.workflowService.describeNamespace({ namespace }));
    return true;
  } catch {
    return false;
  }
}


async function searchAttributesRegistered(address: string, namespace: string): Promise<boolean> {
  const attributes = await withShortConnection(address, 2_000, async (c) => {
    return (await c.operatorService.listSearchAttributes({ namespace })).customAttributes ?? {};
  });
  return searchAttributeNames.every((name) => attributes[name] === KEYWORD);
}

/**
 * Starts `temporal server start-dev` (or reuses one already on the port) and resolves once it
 * serves the namespace with all call search attributes registered.
 */
export async function startTemporalDevServer(options: TemporalDevServerOptions): Promise<TemporalDevServer> {
  const log = options.log ?? stderrLog;
  const ip = options.ip ?? '127.0.0.1';
  const port = options.port ?? 7233;
  const uiPort = options.uiPort ?? 8233;
  const namespace = options.namespace ?? 'default';
  const address = `${ip}:${port}`;
  const uiUrl = options.headless ? undefined : `http://${ip}:${uiPort}`;

  if (await isPortListening(ip, port)) {
    if (!(await isTemporalServer(address, namespace))) {
      throw new Error(`port ${address} is in use by something that is not a Temporal server; stop it or choose another port`);
    }
    const added = await ensureSearchAttributes(address, { namespace });
    log(`reusing the Temporal server already at ${address}${added.length ? ` (registered ${added.join(', ')})` : ''}`);
    return { address, uiUrl, reused: true, stop: async () => undefined };
  }

  const cli = options.cliPath ?? (await ensureTemporalCli(log));
  fs.mkdirSync(path.dirname(path.resolve(options.dbFile)), { recursive: true });
  const partitions = taskQueuePartitions(`${path.resolve(options.dbFile)}.partitions`, fs.existsSync(options.dbFile));
  const args = [
    'server', 'start-dev',
    '--ip', ip,
    '--port', String(port),
    '--db-filename', path.resolve(options.dbFile),
    '--namespace', namespace,
    '--log-level', 'warn',
    // No internet here: the UI's newsfeed would only fail in the browser.
    ...(options.headless ? ['--headless'] : ['--ui-port', String(uiPort), '--ui-disable-news-fetch']),
    ...searchAttributeNames.flatMap((name) => ['--search-attribute', `${name}=Keyword`]),
    ...Object.entries({ ...DEV_DYNAMIC_CONFIG, ...partitions }).flatMap(([key, value]) => ['--dynamic-config-value', `${key}=${value}`]),
    ...DEV_SQLITE_PRAGMAS.flatMap((pragma) => ['--sqlite-pragma', pragma]),
    ...(options.metricsPort ? ['--metrics-port', String(options.metricsPort)] : []),
  ];
  const { child, tail } = spawnService(cli, args);

  const failure = await waitUntil(() => searchAttributesRegistered(address, namespace), {
    timeoutMs: options.startTimeoutMs ?? 60_000,
    intervalMs: 200,
    abort: () => (hasExited(child) ? `exited with ${child.signalCode ?? `code ${child.exitCode}`}` : undefined),
  });
  if (failure) {
    await stopChild(child, 5_000);
    throw new Error(`Temporal dev server on ${address} did not become healthy (${failure}). Its output:\n${tail.text() || '(none)'}`);
  }
  return {
    address, uiUrl, reused: false, stop: () => stopChild(child), pid: child.pid,
    ...(options.metricsPort ? { metricsUrl: `http://${ip}:${options.metricsPort}/metrics` } : {}),
  };
}
