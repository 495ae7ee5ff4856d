import fs from 'node:fs';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { Connection } from '@temporalio/client';
import { hasExited, spawnService, stopChild, waitUntil, type OutputTail } from '../child-process';
import type { InfraLog } from '../infra-log';
import { readTail } from '../kafka-broker';
import { freePorts, freePortsInRange, isPortListening } from '../../../platform/ports';
import { ensureNamespace } from '../../../platform/temporal-namespace';
import { ensureSearchAttributes, searchAttributeNames } from '../../../workers/search-attributes';
import type { TemporalServerDist } from './temporal-server-build';
import { clusterDynamicConfig, temporalClusterConfig, TEMPORAL_SERVICES, type ServicePorts, type TemporalService } from './temporal-config';
import { taskQueuePartitions } from '../task-queue-partitions';

export interface TemporalClusterOptions {
  dist: TemporalServerDist;
  /** Holds the generated config, dynamic config and one log per service. */
  dataDir: string;
  postgres: { host: string; port: number; user: string; password: string };
  host?: string;
  /** The frontend's gRPC port; a free one when omitted. */
  frontendPort?: number;
  namespace?: string;
  retentionHours?: number;
  log: InfraLog;
}

export interface TemporalCluster {
  address: string;
  namespace: string;
  /** Per service: its process (for the fault test), its log file. */
  services: Record<TemporalService, { pid(): number | undefined; logFile: string }>;
  /** SIGKILL (or SIGTERM when `graceful`) one service, then start it again with the same config. */
  restartService(name: TemporalService, options?: { graceful?: boolean; downMs?: number }): Promise<void>;
  /** Whether every service process still runs. */
  running(): Record<TemporalService, boolean>;
  stop(): Promise<void>;
}

/** The service's last fatal or error log line (JSON, one per line), without the stack trace: why it exited. */
function lastError(logFile: string): string {
  const lines = readTail(logFile, 200).split('\n').filter((line) => /"level":"(fatal|error)"/.test(line));
  const last = lines.at(-1);
  return last ? last.replace(/,"stacktrace":".*$/, '}') : '(none)';
}

async function frontendServes(address: string, namespace: string): Promise<boolean> {
  const connection = await Connection.connect({ address, connectTimeout: 2_000 });
  try {
    await connection.withDeadline(Date.now() + 3_000, () => connection.workflowService.describeNamespace({ namespace }));
    return true;
  } finally {
    await connection.close();
  }
}

async function withConnection<T>(address: string, fn: (connection: Connection) => Promise<T>): Promise<T> {
  const connection = await Connection.connect({ address, connectTimeout: 5_000 });
  try {
    return await connection.withDeadline(Date.now() + 15_000, () => fn(connection));
  } finally {
    await connection.close();
  }
}

/**
 * Frontend, history, matching and worker as four processes of the built server, one config file.
 * Resolves once the frontend serves `namespace` (registered here with its retention) with the
 * bridge's search attributes on SQL visibility.
 */
export async function startTemporalCluster(options: TemporalClusterOptions): Promise<TemporalCluster> {
  const host = options.host ?? '127.0.0.1';
  const namespace = options.namespace ?? 'default';
  const dataDir = path.resolve(options.dataDir);
  fs.mkdirSync(dataDir, { recursive: true });
  const free = await freePorts(5, host);
  const take = (): number => free.shift()!;
  // cluster_membership.rpc_port is a smallint: membership ports must stay below 32768.
  const membership = await freePortsInRange(4, 20_000, 32_767, host);
  const takeMembership = (): number => membership.shift()!;
  const frontendGrpc = options.frontendPort ?? take();
  const ports: Record<TemporalService, ServicePorts> = {
    frontend: { grpc: frontendGrpc, membership: takeMembership(), http: take() },
    history: { grpc: take(), membership: takeMembership() },
    matching: { grpc: take(), membership: takeMembership() },
    worker: { grpc: take(), membership: takeMembership() },
  };
  const configFile = path.join(dataDir, 'temporal.yaml');
  const dynamicConfigFile = path.join(dataDir, 'dynamicconfig.yaml');
  // The config file is written on every start: it existing means this data dir's store may hold tasks.
  const partitions = taskQueuePartitions(path.join(dataDir, 'task-queue-partitions'), fs.existsSync(configFile));
  fs.writeFileSync(dynamicConfigFile, clusterDynamicConfig(partitions));
  fs.writeFileSync(configFile, temporalClusterConfig({ host, ports, postgres: options.postgres, dynamicConfigFile }));
  const address = `${host}:${frontendGrpc}`;

  const children = new Map<TemporalService, { child: ChildProcess; tail: OutputTail }>();
  const logFileOf = (name: TemporalService): string => path.join(dataDir, `${name}.log`);
  const spawnOne = (name: TemporalService): void => {
    const log = fs.openSync(logFileOf(name), 'a');
    const spawned = spawnService(options.dist.serverBin, ['--config-file', configFile, '--allow-no-auth', 'start', '--service', name], {
      stdio: ['ignore', log, log],
    });
    fs.closeSync(log);
    children.set(name, spawned);
  };
  const stopAll = async (): Promise<void> => {
    // Frontend first, so clients stop getting work routed to services that are going away.
    for (const name of TEMPORAL_SERVICES) {
      const entry = children.get(name);
      if (entry) await stopChild(entry.child, 20_000);
    }
  };
  // While the cluster forms, a service may give up on a peer that is not up yet and exit; a
  // supervisor (systemd, Kubernetes) would start it again, and so does this, a few times.
  const startRestarts = new Map<TemporalService, number>();
  const anyExited = (): string | undefined => {
    for (const [name, { child }] of children) {
      if (!hasExited(child)) continue;
      const why = `${name} exited (${child.signalCode ?? `code ${child.exitCode}`}); its last fatal/error line:\n${lastError(logFileOf(name))}`;
      const restarts = startRestarts.get(name) ?? 0;
      if (restarts >= 3) return why;
      startRestarts.set(name, restarts + 1);
      options.log(`${why}\nstarting ${name} again`);
      spawnOne(name);
    }
    return undefined;
  };

  for (const name of TEMPORAL_SERVICES) spawnOne(name);
  try {
    const up = await waitUntil(() => frontendServes(address, 'temporal-system'), { timeoutMs: 120_000, intervalMs: 500, abort: anyExited });
    if (up) throw new Error(`Temporal cluster frontend ${address} not serving (${up})`);
    await withConnection(address, (c) => ensureNamespace(c, namespace, options.retentionHours ?? 168));
    const served = await waitUntil(() => frontendServes(address, namespace), { timeoutMs: 60_000, intervalMs: 500, abort: anyExited });
    if (served) throw new Error(`namespace ${namespace} not served on ${address} (${served})`);
    // Right after a namespace registers, the other services may not know it yet: retry briefly.
    const attributes = await waitUntil(
      () => ensureSearchAttributes(address, { namespace, names: searchAttributeNames }).then(() => true),
      { timeoutMs: 60_000, intervalMs: 1_000, abort: anyExited },
    );
    if (attributes) throw new Error(`search attributes not registered on ${address} (${attributes})`);
  } catch (error) {
    await stopAll();
    throw error;
  }
  options.log(`Temporal cluster ${options.dist.version}: frontend ${address}, history/matching/worker on ${ports.history.grpc}/${ports.matching.grpc}/${ports.worker.grpc}, logs in ${dataDir}`);

  return {
    address,
    namespace,
    services: Object.fromEntries(TEMPORAL_SERVICES.map((name) => [name, { pid: () => children.get(name)?.child.pid, logFile: logFileOf(name) }])) as TemporalCluster['services'],
    async restartService(name, restart = {}) {
      const entry = children.get(name);
      if (entry && !hasExited(entry.child)) {
        if (restart.graceful) await stopChild(entry.child, 20_000);
        else {
          if (entry.child.pid !== undefined) process.kill(-entry.child.pid, 'SIGKILL');
          await stopChild(entry.child, 5_000);
        }
      }
      if (restart.downMs) await new Promise((resolve) => setTimeout(resolve, restart.downMs));
      spawnOne(name);
      // Back once it listens again (the frontend: once it serves the namespace), so that a fault's
      // measured length includes the service's own start.
      const back = await waitUntil(
        () => (name === 'frontend' ? frontendServes(address, namespace) : isPortListening(host, ports[name].grpc)),
        { timeoutMs: 120_000, intervalMs: 200, abort: anyExited },
      );
      if (back) throw new Error(`Temporal ${name} did not come back (${back})`);
    },
    running: () => Object.fromEntries(TEMPORAL_SERVICES.map((name) => [name, !hasExited(children.get(name)!.child)])) as Record<TemporalService, boolean>,
    stop: stopAll,
  };
}
