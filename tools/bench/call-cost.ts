import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { costOfHistory, sumCosts, type CostEvent, type HistoryCost } from './history-cost';

/** Events of one workflow's current run as the server recorded them ([] when there is none). */
export async function historyOf(temporal: Client, workflowId: string): Promise<CostEvent[]> {
  try {
    return (await temporal.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return [];
    throw err;
  }
}

/**
 * The summed cost of these workflows' histories; `since` gives, per id, how many of its events
 * happened before and are not this call's (a long-lived workflow the call only signalled).
 */
export async function costOfWorkflows(
  temporal: Client, workflowIds: readonly string[], since: ReadonlyMap<string, number> = new Map(),
): Promise<HistoryCost> {
  const costs: HistoryCost[] = [];
  for (const id of workflowIds) costs.push(costOfHistory(await historyOf(temporal, id), since.get(id) ?? 0));
  return sumCosts(costs);
}
