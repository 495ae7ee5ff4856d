import type { Connection } from '@temporalio/client';
import type { WorkerDeploymentVersion } from '@temporalio/common';
import type { Logger } from '../platform/logger';
import {
  compareBuildIds, describeDeployment, isRetryableRoutingError, routingIdentity, setCurrentVersion, type DeploymentView,
} from '../platform/worker-deployment';

export type PromotionDecision = { promote: true; why: string } | { promote: false; why: string; warn: boolean };

/**
 * WORKER_VERSION_PROMOTION=auto: does a worker of `buildId`, starting, make its version current?
 * Yes when the deployment has no current version (a first start, or a server that never saw a
 * versioned bridge: without a current version no workflow task reaches a versioned worker), or
 * when the current one is older. Not while an operator ramps a version by hand, and never over a
 * newer or an unordered build: an old worker restarting during a rolling deploy must not take
 * the calls back from the new one (docs/upgrades.md).
 */
export function promotionDecision(view: DeploymentView | undefined, buildId: string): PromotionDecision {
  const current = view?.current;
  if (!current) return { promote: true, why: 'the deployment has no current version' };
  if (current === buildId) return { promote: false, why: 'already the current version', warn: false };
  if (view.ramping) {
    return { promote: false, why: `an operator is ramping ${view.ramping.buildId} (${view.ramping.percentage} %): promote by hand`, warn: true };
  }
  const order = compareBuildIds(buildId, current);
  if (order === undefined) return { promote: false, why: `build ids ${buildId} and ${current} have no version order: promote by hand`, warn: true };
  if (order > 0) return { promote: true, why: `newer than the current version ${current}` };
  return { promote: false, why: `the current version ${current} is newer: this worker gets no workflow tasks until ${buildId} is made current by hand`, warn: true };
}

/**
 * Promotes this worker's version when promotionDecision says so. Runs once the worker polls:
 * the server refuses a version it has seen no poller of, so a refusal is retried (every 250 ms,
 * within `timeoutMs`), and so is a race with another worker promoting at the same moment —
 * which re-reads the deployment and, finding the version current already, is done.
 */
export async function promoteOnStart(options: {
  connection: Connection; namespace: string; version: WorkerDeploymentVersion; logger: Logger; timeoutMs?: number;
}): Promise<PromotionDecision> {
  const { connection, namespace, version, logger } = options;
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  const service = connection.workflowService;
  // Every call shares the one deadline: a server that accepts and never answers ends the start.
  const within = <T>(call: () => Promise<T>) => connection.withDeadline(deadline, call);
  const fields = { deployment: version.deploymentName, buildId: version.buildId };
  for (;;) {
    const view = await within(() => describeDeployment(service, namespace, version.deploymentName));
    const decision = promotionDecision(view, version.buildId);
    if (!decision.promote) {
      if (decision.warn) logger.warn(fields, `worker version not promoted: ${decision.why}`);
      else logger.debug(fields, `worker version: ${decision.why}`);
      return decision;
    }
    try {
      await within(() => setCurrentVersion(service, {
        namespace, deploymentName: version.deploymentName, buildId: version.buildId, identity: routingIdentity('worker'),
        ...(view?.conflictToken ? { conflictToken: view.conflictToken } : {}),
      }));
      logger.info({ ...fields, previous: view?.current }, `worker version made current: ${decision.why}`);
      return decision;
    } catch (err) {
      if (!isRetryableRoutingError(err) || Date.now() > deadline) {
        throw new Error(`could not make worker version ${version.deploymentName}/${version.buildId} current: ${(err as Error).message}`, { cause: err });
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

/**
 * WORKER_VERSION_PROMOTION=manual: promotes nothing, but says in the log what the operator has to
 * do when this build is not current — with no current version at all, no workflow task reaches
 * any worker, this one's start included (its integration queries wait for one).
 */
export async function reportManualPromotion(options: {
  connection: Connection; namespace: string; version: WorkerDeploymentVersion; logger: Logger; timeoutMs?: number;
}): Promise<PromotionDecision> {
  const { connection, namespace, version, logger } = options;
  const view = await connection.withDeadline(Date.now() + (options.timeoutMs ?? 10_000),
    () => describeDeployment(connection.workflowService, namespace, version.deploymentName));
  const decision = promotionDecision(view, version.buildId);
  const fields = { deployment: version.deploymentName, buildId: version.buildId, current: view?.current };
  if (view?.current === version.buildId) logger.debug(fields, 'worker version: already the current version');
  else if (!view?.current) logger.warn(fields, `no worker version is current: no workflow task reaches any worker until \`ringostat-bridge deployment promote --build-id ${version.buildId}\` (WORKER_VERSION_PROMOTION=manual)`);
  else logger.info(fields, `worker version waits for promotion (WORKER_VERSION_PROMOTION=manual): ringostat-bridge deployment promote --build-id ${version.buildId}`);
  return decision;
}
