import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import type { Producer } from 'kafkajs';
import type { Registry } from 'prom-client';
import type { Logger } from '../platform/logger';
import { ringostatTimeZone, type BridgeConfig, type ProjectConfig } from '../schemas/project-config';
import { createRingostatClient } from '../ringostat/api-client';
import { RingostatApiError } from '../ringostat/api-errors';
import { callEventPublisher } from '../ringostat/event-publisher';
import { ringostatMetrics } from '../ringostat/metrics';
import { reconcileCalls } from '../ringostat/reconcile-calls';
import { FailureType, type RingostatActivities } from '../workflows/contract';

export interface RingostatActivityDeps {
  config: BridgeConfig;
  temporal: Client;
  /** A connected producer; the recovered events go to `topic` (the call-events topic). */
  producer: Producer;
  topic: string;
  logger: Logger;
  registry?: Registry;
  fetch?: typeof fetch;
}

/**
 * Ringostat activities (B7), merged into the worker's activities. The API key stays in the
 * worker: workflows pass only the project id and the window (R4).
 */
export function createRingostatActivities(deps: RingostatActivityDeps): RingostatActivities {
  const metrics = ringostatMetrics(deps.registry);
  const publish = callEventPublisher(deps.producer, deps.topic);

  function ringostatProject(projectId: string): ProjectConfig & { ringostat: NonNullable<ProjectConfig['ringostat']> } {
    const project = deps.config.projects.find((p) => p.id === projectId);
    if (!project?.ringostat) {
      throw ApplicationFailure.create({ type: FailureType.ProjectUnknown, nonRetryable: true, message: `project "${projectId}" has no ringostat settings in the config` });
    }
    return project as ProjectConfig & { ringostat: NonNullable<ProjectConfig['ringostat']> };
  }

  return {
    async reconcileCallLog(input) {
      const project = ringostatProject(input.projectId);
      const client = createRingostatClient({ settings: project.ringostat, timeZone: ringostatTimeZone(project), fetch: deps.fetch });
      const heartbeat = (details: unknown) => Context.current().heartbeat(details);
      try {
        const summary = await reconcileCalls(
          { client, temporal: deps.temporal, project, publish, logger: deps.logger },
          { from: new Date(input.from), to: new Date(input.to) },
          { onProgress: (read) => heartbeat({ read }), onChecked: (checked, total) => heartbeat({ checked, total }) },
        );
        const labels = { project: project.id };
        metrics.reconcileRuns.inc({ ...labels, outcome: 'ok' });
        for (const [result, count] of [['recovered', summary.recovered], ['unfinished', summary.unfinished],
          ['already_done', summary.alreadyDone], ['skipped', summary.skipped], ['failed', summary.failed]] as const) {
          if (count > 0) metrics.reconcileCalls.inc({ ...labels, result }, count);
        }
        // reconcileCalls logged the warning; the metric lets an alert see it.
        for (const sign of summary.clockSkew?.signs ?? []) metrics.reconcileClockSkew.inc({ ...labels, sign });
        metrics.reconcileLastRun.set(labels, Date.now() / 1000);
        metrics.reconcileLag.set(labels, (Date.now() - Date.parse(input.to)) / 1000);
        return summary;
      } catch (err) {
        metrics.reconcileRuns.inc({ project: project.id, outcome: 'failed' });
        // A refused key or request will not pass on retry: fail the run visibly (UI, status).
        if (err instanceof RingostatApiError && !err.retriable) {
          throw ApplicationFailure.create({ type: err.name, nonRetryable: true, message: err.message });
        }
        throw err;
      }
    },
  };
}
