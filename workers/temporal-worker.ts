import { bundleWorkflowCode, NativeConnection, Worker, type WorkflowBundleOption } from '@temporalio/worker';
import type { Client } from '@temporalio/client';
import type { WorkerDeploymentVersion } from '@temporalio/common';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createActivities, type ActivityDeps } from '../activities';
import type { Logger } from '../platform/logger';
import type { BridgeConfig } from '../schemas/project-config';
import { TASK_QUEUE } from '../workflows/contract';

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
  taskQueue?: string;
  /** Workflows kept in the sticky cache (WORKER_MAX_CACHED_WORKFLOWS); default 250. */
  maxCachedWorkflows?: number;
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

export async function createBridgeWorker(options: BridgeWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace ?? 'default',
    taskQueue: options.taskQueue ?? TASK_QUEUE,
    workflowBundle: options.workflowBundle ?? (await workflowBundle()),
    activities: createActivities({ ...options.activityDeps, config: options.config, temporal: options.temporal, logger: options.logger }),
    // Many calls wait on Bitrix24 at once; the shared client batches their commands (B8).
    maxConcurrentActivityTaskExecutions: 200,
    // Parked calls wait for days; keeping all of them in the cache costs ~0.5 MB each (P6).
    // Evicted ones replay from history when they wake, which is cheap for a call's short history.
    maxCachedWorkflows: options.maxCachedWorkflows ?? 250,
    // Worker Versioning (docs/upgrades.md "Deploys"): a workflow task goes only to workers of the
    // version it is routed to, so a worker of an older build never replays a history a newer one
    // wrote. AUTO_UPGRADE for every type: a call parks for days and an integration never ends, so
    // pinning them would keep old workers alive as long; they move to the current version at their
    // next task instead, which patched() and the replay test make safe.
    workerDeploymentOptions: { version: options.version, useWorkerVersioning: true, defaultVersioningBehavior: 'AUTO_UPGRADE' },
  });
}

const quietBundlerLogger = {
  trace: () => undefined, debug: () => undefined, info: () => undefined,
  warn: (message: string) => process.stderr.write(`[bundler] ${message}\n`),
  error: (message: string) => process.stderr.write(`[bundler] ${message}\n`),
  log: () => undefined,
};
