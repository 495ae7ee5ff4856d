import fs from 'node:fs';

/**
 * One partition per task queue on the stacks this project starts (dev server and cluster).
 *
 * Temporal orders a task queue's tasks by priority within a partition only: with the default four,
 * a poller that lands on a partition holding the backlog's tasks (BACKLOG_PRIORITY) takes them while
 * a live call's task waits in another. Measured (P8 backlog, 500 resumed calls draining beside
 * another project's live calls, 2-core box, dev server in WAL mode): live p99 2.2–2.3 s with four
 * read partitions, 0.68–2.1 s over five runs (median 0.87 s) with one. One partition carries far more tasks a second than a bridge makes.
 *
 * Fewer read partitions strand the tasks already written to the others (pollers no longer reach
 * them), so a store that existed before this rule only gets one write partition: its old
 * partitions keep being read and drain. The marker file says a store was created under the rule.
 */
export function taskQueuePartitions(markerFile: string, storeExists: boolean): Record<string, string> {
  const oneWritePartition = { 'matching.numTaskqueueWritePartitions': '1' };
  if (storeExists && !fs.existsSync(markerFile)) return oneWritePartition;
  if (!storeExists) fs.writeFileSync(markerFile, 'This store was created with one task-queue partition (tools/infra/task-queue-partitions.ts).\n');
  return { ...oneWritePartition, 'matching.numTaskqueueReadPartitions': '1' };
}
