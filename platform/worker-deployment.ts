import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isGrpcServiceError, type WorkflowService } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { projectRoot } from './paths';

/**
 * Temporal Worker Deployments as the bridge uses them (docs/upgrades.md "Deploys"): every bridge
 * worker polls as one version (deployment name + build id) of one deployment; the deployment's
 * current version gets every new workflow task, the others only their pinned workflows (the
 * bridge pins none). The worker's start-up promotion and the `deployment` CLI command share this.
 */

const { VersionDrainageStatus, WorkerDeploymentVersionStatus } = temporal.api.enums.v1;
/** gRPC codes the deployment RPCs answer with while a version is still registering or raced. */
const NOT_FOUND = 5;
const RETRYABLE = new Set([NOT_FOUND, 9 /* FAILED_PRECONDITION */, 10 /* ABORTED */, 14 /* UNAVAILABLE */]);

/** package.json's version: the build id a worker uses unless WORKER_BUILD_ID names another. */
export function packageBuildId(): string {
  return (JSON.parse(readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { version: string }).version;
}

/** Who changed the routing, as the deployment records it (`temporal worker deployment describe` shows the last one). */
export function routingIdentity(role: string): string {
  return `${role}@${os.hostname()}:${process.pid}`;
}

export interface VersionView {
  buildId: string;
  /** inactive, current, ramping, draining (still has pinned workflows), drained. */
  status: string;
  drainage?: 'draining' | 'drained';
  createdAt?: string;
  currentSince?: string;
}

export interface DeploymentView {
  name: string;
  current?: string;
  ramping?: { buildId: string; percentage: number };
  versions: VersionView[];
  /** From the describe, so a change made on what it showed fails if another changed it meanwhile. */
  conflictToken?: Uint8Array;
}

const timestamp = (t: { seconds?: unknown; nanos?: number | null } | null | undefined): string | undefined =>
  t?.seconds ? new Date(Number(t.seconds) * 1000 + Math.floor((t.nanos ?? 0) / 1e6)).toISOString() : undefined;

const statusName = (status: number | null | undefined): string =>
  (WorkerDeploymentVersionStatus[status ?? 0] ?? 'UNSPECIFIED').replace('WORKER_DEPLOYMENT_VERSION_STATUS_', '').toLowerCase();

/** The deployment as the server sees it; undefined when no worker of it has polled yet. */
export async function describeDeployment(service: WorkflowService, namespace: string, name: string): Promise<DeploymentView | undefined> {
  let answer;
  try {
    answer = await service.describeWorkerDeployment({ namespace, deploymentName: name });
  } catch (err) {
    if (isGrpcServiceError(err) && err.code === NOT_FOUND) return undefined;
    throw err;
  }
  const info = answer.workerDeploymentInfo;
  const routing = info?.routingConfig;
  const current = routing?.currentDeploymentVersion?.buildId || undefined;
  const rampingId = routing?.rampingDeploymentVersion?.buildId || undefined;
  const versions = (info?.versionSummaries ?? []).map((v): VersionView => {
    const drainage = v.drainageInfo?.status ?? v.drainageStatus;
    return {
      buildId: v.deploymentVersion?.buildId ?? '',
      status: statusName(v.status),
      ...(drainage === VersionDrainageStatus.VERSION_DRAINAGE_STATUS_DRAINING ? { drainage: 'draining' as const } : {}),
      ...(drainage === VersionDrainageStatus.VERSION_DRAINAGE_STATUS_DRAINED ? { drainage: 'drained' as const } : {}),
      ...(timestamp(v.createTime) ? { createdAt: timestamp(v.createTime) } : {}),
      ...(timestamp(v.currentSinceTime) ? { currentSince: timestamp(v.currentSinceTime) } : {}),
    };
  });
  return {
    name,
    ...(current ? { current } : {}),
    ...(rampingId ? { ramping: { buildId: rampingId, percentage: routing?.rampingVersionPercentage ?? 0 } } : {}),
    versions,
    ...(answer.conflictToken?.length ? { conflictToken: answer.conflictToken } : {}),
  };
}

export interface RoutingChange {
  namespace: string;
  deploymentName: string;
  buildId: string;
  identity: string;
  conflictToken?: Uint8Array;
}

/** Makes `buildId` the current version: every new workflow task of the deployment goes to its workers. */
export async function setCurrentVersion(service: WorkflowService, change: RoutingChange): Promise<void> {
  await service.setWorkerDeploymentCurrentVersion({
    namespace: change.namespace, deploymentName: change.deploymentName, buildId: change.buildId, identity: change.identity,
    ...(change.conflictToken ? { conflictToken: change.conflictToken } : {}),
  });
}

/** Sends `percentage` % of the workflows (by id) to `buildId`; an empty build id ends the ramp. */
export async function setRampingVersion(service: WorkflowService, change: RoutingChange & { percentage: number }): Promise<void> {
  await service.setWorkerDeploymentRampingVersion({
    namespace: change.namespace, deploymentName: change.deploymentName, buildId: change.buildId, percentage: change.percentage,
    identity: change.identity, ...(change.conflictToken ? { conflictToken: change.conflictToken } : {}),
  });
}

/** A refusal that passes: the version has not registered its pollers yet, or another change raced this one. */
export function isRetryableRoutingError(err: unknown): boolean {
  return isGrpcServiceError(err) && err.code !== undefined && RETRYABLE.has(err.code);
}

const SEMVER = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

/**
 * Semantic-version order of two build ids (negative: `a` is older); undefined when either is not
 * a version (a commit hash, say): then no order is assumed and nothing is promoted over the other.
 */
export function compareBuildIds(a: string, b: string): number | undefined {
  const x = SEMVER.exec(a);
  const y = SEMVER.exec(b);
  if (!x || !y) return undefined;
  for (let i = 1; i <= 3; i++) {
    const d = Number(x[i]) - Number(y[i]);
    if (d !== 0) return Math.sign(d);
  }
  return comparePrerelease(x[4], y[4]);
}

/** Semver §11: a release is newer than its pre-releases; identifiers compare numerically when both are numbers. */
function comparePrerelease(a: string | undefined, b: string | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return 1;
  if (b === undefined) return -1;
  const xs = a.split('.');
  const ys = b.split('.');
  for (let i = 0; i < Math.max(xs.length, ys.length); i++) {
    const p = xs[i];
    const q = ys[i];
    if (p === undefined) return -1;
    if (q === undefined) return 1;
    if (p === q) continue;
    const numeric = /^\d+$/.test(p) && /^\d+$/.test(q);
    if (numeric) return Math.sign(Number(p) - Number(q));
    if (/^\d+$/.test(p)) return -1;
    if (/^\d+$/.test(q)) return 1;
    return p < q ? -1 : 1;
  }
  return 0;
}
