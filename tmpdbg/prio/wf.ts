import { proxyActivities } from '@temporalio/workflow';
const a = proxyActivities<{ work(tag: string): Promise<void> }>({ startToCloseTimeout: '1 minute' });
export async function prioWorkflow(tag: string, priorityKey: number): Promise<void> {
  await a.work.executeWithOptions({ startToCloseTimeout: '1 minute', priority: { priorityKey } }, [tag]);
}
