import { bundleWorkflowCode, NativeConnection, Worker, type WorkflowBundleOption } from '@temporalio/worker';
import type { Client } from '@temporalio/client';
import type { WorkerDeploymentVersion } from '@temporalio/common';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createActivities, type ActivityDeps } from '../activities';
import type { Logger } from '../platform/logger';
import type { BridgeConfig } from '../schemas/project-config';
import { BACKLOG_TASK_QUEUE, CREATION_TASK_QUEUE, TASK_QUEUE } from '../workflows/contract';

export interface BridgeWorkerOptions {
  connection: NativeConnection;
  temporal: Client;
  namespace?: string;
  config: BridgeConfig;
  logger: Logger;
  /** What the activities need besides the client, config and logger. */
  activityDeps: Omit<ActivityDeps, 'config' | 'temporal' | 'logger'>;
  /** Bundle once and reuse (tests start several workers). */
  workflowBundle?: WorkflowBundleOption;
  /** Workflows kept in the sticky cache (WORKER_MAX_CACHED_WORKFLOWS); default 250. */
  maxCachedWorkflows?: number;
  /** Activities of the backlog's lane run at once (WORKER_BACKLOG_ACTIVITY_SLOTS); default 10. */
  backlogActivitySlots?: number;
  /** The Worker Deployment version this worker polls as (WORKER_DEPLOYMENT_NAME, WORKER_BUILD_ID). */
  version: WorkerDeploymentVersion;
}

let cachedBundle: Promise<WorkflowBundleOption> | undefined;

/** `npm run build` bundles the compiled workflows beside them: dist/workflow-bundle.js. */
const builtBundle = path.join(__dirname, '..', 'workflow-bundle.js');

/**
 * The workflow code as the worker loads it, once per process. `prebuilt` (WORKFLOW_BUNDLE_PATH)
 * first; else, run from dist/, the build's bundle, so the worker starts without compiling; else
 * (TypeScript through tsx: tests, tools) webpack bundles the source, the slow part of a worker start.
 */
export function workflowBundle(prebuilt?: string): Promise<WorkflowBundleOption> {
  const codePath = prebuilt ?? (__filename.endsWith('.js') && existsSync(builtBundle) ? builtBundle : undefined);
  const bundle = cachedBundle ?? (codePath
    ? Promise.resolve({ codePath })
    : bundleWorkflowCode({ workflowsPath: require.resolve('../workflows'), logger: quietBundlerLogger }));
  cachedBundle = bundle;
  return bundle;
}

export interface BridgeWorkers {
  /** Workflows, and the activities of live calls. */
  main: Worker;
  /** The backlog's lane (BACKLOG_TASK_QUEUE): the Bitrix24 activities of calls that were parked or that the resend started. */
  backlog: Worker;
  /** The creation lane (CREATION_TASK_QUEUE): live calls' client creations that run as activities. */
  creation: Worker;
}

/** Many calls wait on Bitrix24 at once; the shared client batches their commands (B8). */
const MAIN_ACTIVITY_SLOTS = 200;
/**
 * The lane's default, measured (P8 backlog, 500 resumed calls on a standard portal beside another
 * project's live calls, 2-core box): 50 slots gave live calls p50 4.0 s / p99 16 s, 20 gave 1.1 s /
 * 12 s, 10 gave 0.3 s / 7.4 s, the drain 144, 125 and 177 s. Each backlog activity that runs makes
 * workflow tasks and CPU work that live calls then queue behind; the portal's rate limit, not the
 * slots, bounds the drain. Raise it on workers with cores to spare (it is per worker).
 */
const DEFAULT_BACKLOG_ACTIVITY_SLOTS = 10;
/**
 * Creations in the creation lane at once, a worker. A creation holds its slot while it waits for
 * its portal's rate limit, and the shared client batches the commands of the creations that run
 * (B8): a request carries at most as many creation commands as there are slots, so the slots must
 * be well above a batch's 50 commands for the portal's limit, not the slots, to bound a backlog of
 * new callers (P4, 2,000 calls: 20 slots gave 21 commands a request and 45% of the portal's
 * ceiling, 100 gave 35 and 78%, 200 the same 77%: beyond 100 the box's CPU bounds it).
 */
const CREATION_ACTIVITY_SLOTS = 100;

/**
 * The process's three workers over ONE set of activities, so all lanes share each portal's
 * client, batcher and rate limiter (B8): two limiters would send twice the portal's rate.
 */
export async function createBridgeWorkers(options: BridgeWorkerOptions): Promise<BridgeWorkers> {
  const activities = createActivities({ ...options.activityDeps, config: options.config, temporal: options.temporal, logger: options.logger });
  // Worker Versioning (docs/upgrades.md "Deploys"): a workflow task goes only to workers of the
  // version it is routed to, so a worker of an older build never replays a history a newer one
  // wrote. AUTO_UPGRADE for every type: a call parks for days and an integration never ends, so
  // pinning them would keep old workers alive as long; they move to the current version at their
  // next task instead, which patched() and the replay test make safe. All lanes poll as one
  // version, so a version is made current only once every queue has its pollers.
  const workerDeploymentOptions = { version: options.version, useWorkerVersioning: true, defaultVersioningBehavior: 'AUTO_UPGRADE' } as const;
  const namespace = options.namespace ?? 'default';
  const main = await Worker.create({
    connection: options.connection, namespace,
    taskQueue: TASK_QUEUE,
    workflowBundle: options.workflowBundle ?? (await workflowBundle()),
    activities,
    maxConcurrentActivityTaskExecutions: MAIN_ACTIVITY_SLOTS,
    // Parked calls wait for days; keeping all of them in the cache costs ~0.5 MB each (P6).
    // Evicted ones replay from history when they wake, which is cheap for a call's short history.
    maxCachedWorkflows: options.maxCachedWorkflows ?? 250,
    workerDeploymentOptions,
  });
  const backlog = await Worker.create({
    connection: options.connection, namespace,
    taskQueue: BACKLOG_TASK_QUEUE,
    activities,
    maxConcurrentActivityTaskExecutions: options.backlogActivitySlots ?? DEFAULT_BACKLOG_ACTIVITY_SLOTS,
    workerDeploymentOptions,
  });
  const creation = await Worker.create({
    connection: options.connection, namespace,
    taskQueue: CREATION_TASK_QUEUE,
    activities,
    maxConcurrentActivityTaskExecutions: CREATION_ACTIVITY_SLOTS,
    workerDeploymentOptions,
  });
  return { main, backlog, creation };
}

const quietBundlerLogger = {
  trace: () => undefined, debug: () => undefined, info: () => undefined,
  warn: (message: string) => process.stderr.write(`[bundler] ${message}\n`),
  error: (message: string) => process.stderr.write(`[bundler] ${message}\n`),
  log: () => undefined,
};
