/**
 * Where the bridge's workflows run and how each is found (docs/contracts.md §3): workers poll the
 * task queue; the dispatcher, the CLI, activities and tools address a workflow by these ids.
 */

export const TASK_QUEUE = 'ringostat-bridge';

/** One call's actor. */
export function callWorkflowId(projectId: string, callId: string): string {
  return `call:${projectId}:${callId}`;
}

/** One project's integration actor: the only place its integration state lives (R7). */
export function integrationWorkflowId(projectId: string): string {
  return `integration:${projectId}`;
}

/** Version 1's per-number lock (B2); version 2 starts none. */
export function clientLockWorkflowId(projectId: string, e164: string): string {
  return `client:${projectId}:${e164}`;
}

/**
 * Builds before the creation shards: the one place where a client was created for (project,
 * number) (B2), a short-lived workflow that ran the creations of concurrent calls one at a time.
 * Runs of it still open at an upgrade finish on it; new creations go to clientCreationShardId. The number is the normalised E.164
 * the call workflows already carry in their ClientNumber search attribute (B4), so the id shows
 * operators nothing they cannot already search for; a digest would either need a key shared by
 * every worker (whose rotation would split one number over two ids mid-burst) or, unkeyed, be
 * reversed by enumerating a country's numbers — privacy in appearance only (docs/decisions.md).
 */
export function clientCreationWorkflowId(projectId: string, e164: string): string {
  return `client-creation:${projectId}:${e164}`;
}

/**
 * How many client-creation shards a project has (B2): a number always maps to the same one, so
 * its creations meet in one place. Changing it moves numbers between shards while calls may be
 * creating in the old ones: a change of contract, made only with a new shard id scheme.
 */
export const CLIENT_CREATION_SHARDS = 8;

/**
 * The client-creation shard of a (project, number) (B2): `client-creation:<project>:shard-<n>`.
 * The shard is a hash of the number (FNV-1a, 32 bits, modulo CLIENT_CREATION_SHARDS): it must
 * never change for a number, and the id names no number.
 */
export function clientCreationShardId(projectId: string, e164: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < e164.length; i += 1) hash = Math.imul(hash ^ e164.charCodeAt(i), 0x01000193) >>> 0;
  return `client-creation:${projectId}:shard-${hash % CLIENT_CREATION_SHARDS}`;
}

/** The project's reconciliation schedule (B7); each run's workflow id starts with it. */
export function reconcileScheduleId(projectId: string): string {
  return `reconcile:${projectId}`;
}

/**
 * The work after one accepted reactivation (T3/T4): waking or closing the parked calls and the
 * 3-day resend, in a workflow of its own so the integration workflow stays short-lived in history.
 */
export function reactivationWorkflowId(projectId: string, credentialsVersion: number): string {
  return `reactivation:${projectId}:${credentialsVersion}`;
}

/**
 * The task priority of backlog work (issue 15): what a call does after it was parked, and calls
 * the resend starts. Temporal dispatches lower numbers first (1–5, default 3), so after a
 * reactivation a project's 150k resumed calls wait behind every project's live calls in the task
 * queue instead of ahead of them: live calls keep their felt latency while the backlog drains.
 */
export const BACKLOG_PRIORITY = { priorityKey: 4 } as const;

/**
 * The backlog's own lane for its Bitrix24 activities (issue 15, item 5). Priority orders tasks
 * only while they wait in the server; once a worker has taken a backlog activity, it holds one of
 * the worker's activity slots for as long as it waits on its portal's rate limiter (2 requests a
 * second on a standard plan: minutes behind a big backlog). On the main queue such activities
 * took every slot and another project's live calls waited for one (P8 backlog: live p99 11–15 s).
 * On a queue of their own they hold only that queue's slots (WORKER_BACKLOG_ACTIVITY_SLOTS), and
 * the rest of the backlog waits in the server, costing no worker memory.
 */
export const BACKLOG_TASK_QUEUE = `${TASK_QUEUE}-backlog`;

/**
 * The lane of client creations that run as activities (issue 16): a live call's creation whose
 * local try in its shard failed (workflows/activity-proxies.ts liveClientCreation). On the main
 * queue it could deadlock: the call waiting for it holds a main activity slot, and once every
 * slot holds such a waiting call, no slot is left for the creations they wait for — seen as a
 * nine-minute stall (the calls' creation wait) after a restart under 500s. Here creations hold
 * only this lane's slots, and they wait for nothing but Bitrix24.
 */
export const CREATION_TASK_QUEUE = `${TASK_QUEUE}-creation`;
