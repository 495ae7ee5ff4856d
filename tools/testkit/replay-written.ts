import path from 'node:path';
import type { Client } from '@temporalio/client';
import { Worker } from '@temporalio/worker';

const projectRoot = path.resolve(__dirname, '..', '..');

/**
 * Replays, on the workflow code the test's workers ran, every history that `query` matches, and
 * returns what failed ("<workflow id>: <error>"), empty when all replayed. A history the workers
 * wrote but cannot replay only fails once a worker loses the run from its cache (a restart, an
 * eviction) — luck in a test; replaying every one makes it certain (issue 16: two local
 * activities of one shard that resolved in one order live and in another on replay).
 */
export async function unreplayableHistories(temporal: Client, query: string): Promise<string[]> {
  const codePath = process.env.WORKFLOW_BUNDLE_PATH ?? path.join(projectRoot, 'dist', 'workflow-bundle.js');
  const histories: Array<{ workflowId: string; history: Awaited<ReturnType<ReturnType<Client['workflow']['getHandle']>['fetchHistory']>> }> = [];
  for await (const w of temporal.workflow.list({ query })) {
    histories.push({ workflowId: w.workflowId, history: await temporal.workflow.getHandle(w.workflowId, w.runId).fetchHistory() });
  }
  const failed: string[] = [];
  for await (const result of Worker.runReplayHistories({ workflowBundle: { codePath } }, histories)) {
    if (result.error) failed.push(`${result.workflowId}: ${result.error.message}`);
  }
  return failed;
}
