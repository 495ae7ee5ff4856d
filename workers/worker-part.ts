import type { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import type { Kafka } from 'kafkajs';
import type { Registry } from 'prom-client';
import type { ActivityDeps } from '../activities';
import { DEFAULT_DEPLOYMENT_NAME } from '../config/settings';
import { ensureIntegration } from '../integration/ensure-integration';
import type { Readiness } from '../observability/readiness';
import { packageBuildId } from '../platform/worker-deployment';
import { ensureReconcileSchedules } from '../ringostat/reconcile-schedules';
import type { BridgeOptions } from './bridge';
import { promoteOnStart, reportManualPromotion } from './deployment-version';
import { createBridgeWorkers, workflowBundle } from './temporal-worker';

export interface WorkerPartDeps {
  connection: Connection;
  temporal: Client;
  kafka: Kafka;
  registry: Registry;
  readiness: Readiness;
  /** What the activities share with the rest of the process: the credentials cache and the card publisher. */
  shared: Pick<ActivityDeps, 'credentials' | 'cards'>;
  fatal: (part: 'worker', err: unknown) => void;
}

export interface WorkerPart {
  /** The main worker: workflows and live calls' activities (its twins poll the backlog's lane and the creation lane). */
  worker: Worker;
  /** The Worker Deployment version this worker polls as. */
  version: { deploymentName: string; buildId: string };
  stop(): Promise<void>;
}

/**
 * The Temporal worker: workflows and every activity, polling as this build's deployment version,
 * made current when it should be; then, with a worker polling, each project's integration
 * workflow and its reconciliation schedule (B7) are made sure of.
 */
export async function startWorkerPart(options: BridgeOptions, deps: WorkerPartDeps): Promise<WorkerPart> {
  const { connection, temporal, kafka, registry, readiness } = deps;
  const { logger, config } = options;
  const namespace = options.namespace ?? 'default';
  const tuning = options.workerTuning ?? {};
  const deployment = options.deployment ?? { name: DEFAULT_DEPLOYMENT_NAME, promotion: 'auto' };
  const version = { deploymentName: deployment.name, buildId: deployment.buildId ?? packageBuildId() };
  const native = await NativeConnection.connect({ address: options.temporalAddress });
  const reconcileProducer = kafka.producer({ allowAutoTopicCreation: false });
  await reconcileProducer.connect();
  const { main: worker, backlog, creation } = await createBridgeWorkers({
    connection: native, namespace, temporal, config, logger,
    activityDeps: {
      ...deps.shared, secrets: options.secrets, kafka: () => kafka, topic: options.topic, reconcileProducer, registry,
      ...(tuning.callIdleTimeoutMs !== undefined ? { callIdleTimeoutMs: tuning.callIdleTimeoutMs } : {}),
      ...(tuning.parkedCallLimitMs !== undefined ? { parkedCallLimitMs: tuning.parkedCallLimitMs } : {}),
      ...(tuning.creationShardRotateAfter !== undefined ? { creationShardRotateAfter: tuning.creationShardRotateAfter } : {}),
    },
    workflowBundle: await workflowBundle(tuning.workflowBundlePath),
    ...(tuning.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: tuning.maxCachedWorkflows } : {}),
    ...(tuning.backlogActivitySlots !== undefined ? { backlogActivitySlots: tuning.backlogActivitySlots } : {}),
    version,
  });
  const lanes = [worker, backlog, creation];
  const shutdownLanes = () => lanes.forEach((lane) => { if (lane.getState() === 'RUNNING') lane.shutdown(); });
  // Any lane failing stops the process's worker part: the others are shut down with it, and the
  // failure is reported once all have stopped (so nothing closes the connection under a lane).
  const runs = lanes.map((lane) => lane.run().catch((err: unknown) => {
    shutdownLanes();
    throw err;
  }));
  const workerRun = Promise.allSettled(runs).then((results) => {
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  });
  workerRun.catch((err) => deps.fatal('worker', err));
  readiness.register('worker', () => {
    const stopped = lanes.find((lane) => lane.getState() !== 'RUNNING');
    if (!stopped) return true;
    const name = stopped === worker ? 'worker' : stopped === backlog ? 'backlog worker' : 'creation worker';
    return `${name} is ${stopped.getState()}`;
  });
  const stop = async () => {
    shutdownLanes();
    await workerRun.catch(() => undefined);
    await reconcileProducer.disconnect().catch(() => undefined);
    await native.close();
  };

  // Before anything waits on a workflow task: with no current version none would reach this worker.
  if (deployment.promotion === 'auto') {
    await promoteOnStart({ connection, namespace, version, logger }).catch(async (err: unknown) => {
      await stop().catch(() => undefined);
      throw err;
    });
  } else {
    await reportManualPromotion({ connection, namespace, version, logger })
      .catch((err: unknown) => logger.warn({ err: (err as Error).message }, 'could not read the worker deployment'));
  }
  // The integration workflows answer with a worker polling: this one is.
  for (const project of config.projects) {
    await ensureIntegration(project, { temporal, secrets: options.secrets, logger, legacyCredentialsDir: options.legacyCredentialsDir })
      .catch((err) => logger.error({ projectId: project.id, err: (err as Error).message }, 'could not set up the project\'s integration workflow'));
  }
  // B7: a Schedule per project with Ringostat configured (idempotent from many workers); those of removed projects go.
  await ensureReconcileSchedules(temporal, config)
    .then(({ deleted }) => {
      if (deleted.length > 0) logger.info({ deleted }, 'deleted the reconciliation schedules of projects no longer in the config');
    })
    .catch((err) => logger.error({ err: (err as Error).message }, 'could not set up the reconciliation schedules'));
  return { worker, version, stop };
}
