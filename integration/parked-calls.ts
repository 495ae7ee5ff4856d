import type { Client } from '@temporalio/client';
import { resumeSignal, skipParkedSignal } from '../workflows/contract';

export function parkedCallsQuery(projectId: string): string {
  return `ProjectId='${projectId.replace(/'/g, '')}' AND CallPhase='parked' AND ExecutionStatus='Running'`;
}

/** Ids of the project's parked call workflows, from the visibility store (T1). */
export async function listParkedCalls(temporal: Client, projectId: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const execution of temporal.workflow.list({ query: parkedCallsQuery(projectId) })) ids.push(execution.workflowId);
  return ids;
}

/**
 * Wakes (resend) or closes as skipped (no resend, T4) every parked call of the project.
 * A call that closed meanwhile is not an error.
 */
export async function releaseParkedCalls(
  temporal: Client, projectId: string, action: { resume: { credentialsVersion: number } } | { skip: { reason: string } },
  onEach?: () => void,
): Promise<{ released: number; gone: number }> {
  const counts = { released: 0, gone: 0 };
  for (const workflowId of await listParkedCalls(temporal, projectId)) {
    const handle = temporal.workflow.getHandle(workflowId);
    try {
      if ('resume' in action) await handle.signal(resumeSignal, action.resume);
      else await handle.signal(skipParkedSignal, action.skip);
      counts.released += 1;
    } catch (err) {
      if ((err as Error).name !== 'WorkflowNotFoundError') throw err;
      counts.gone += 1;
    }
    onEach?.();
  }
  return counts;
}
