import type { Client } from '@temporalio/client';
import { Gauge, type Registry } from 'prom-client';
import { parkedCallsQuery, readIntegrationState } from '../integration/integration-client';
import type { Logger } from '../platform/logger';
import { processRegistry, registeredOnce } from '../platform/metrics-registry';

/**
 * Gauges read from Temporal rather than counted by workflow code, so a replay cannot move them:
 * parked calls from the visibility store (CallPhase='parked', still running), and each
 * project's integration status from its integration workflow's state (T6), read through
 * integration/integration-client.ts like every other reader of it.
 */
export interface WorkflowGauges {
  parked: Gauge<'project'>;
  broken: Gauge<'project'>;
}

export function workflowGauges(registry: Registry = processRegistry()): WorkflowGauges {
  return {
    parked: registeredOnce(registry, 'ringostat_bridge_parked_calls', () => new Gauge({
      name: 'ringostat_bridge_parked_calls', help: 'Call workflows parked until the integration is reactivated (sampled from Temporal visibility)',
      labelNames: ['project'], registers: [registry],
    })),
    broken: registeredOnce(registry, 'ringostat_bridge_integration_broken', () => new Gauge({
      name: 'ringostat_bridge_integration_broken', help: '1 while the project\'s Bitrix24 integration is broken (T6), else 0',
      labelNames: ['project'], registers: [registry],
    })),
  };
}

export async function sampleParkedCalls(temporal: Client, projectIds: readonly string[], gauges: WorkflowGauges, logger?: Logger): Promise<void> {
  await Promise.all(projectIds.map(async (project) => {
    try {
      const { count } = await temporal.workflow.count(parkedCallsQuery(project));
      gauges.parked.set({ project }, count);
    } catch (err) {
      logger?.debug({ err, projectId: project }, 'parked calls not sampled');
    }
  }));
}

export async function sampleIntegrationStatus(temporal: Client, projectIds: readonly string[], gauges: WorkflowGauges, logger?: Logger): Promise<void> {
  await Promise.all(projectIds.map(async (project) => {
    try {
      // No integration workflow yet (undefined): nothing ever broke it.
      const state = await readIntegrationState(temporal, project);
      gauges.broken.set({ project }, state?.status === 'broken' ? 1 : 0);
    } catch (err) {
      logger?.debug({ err, projectId: project }, 'integration status not sampled');
    }
  }));
}
