/**
 * The worker settings a tool's bridge takes from the tool's own environment, as workers/main.ts
 * takes them from its settings: the test runner's prebuilt bundle (WORKFLOW_BUNDLE_PATH), a short
 * CALL_IDLE_TIMEOUT_MS for tests of calls that never end, a short PARKED_CALL_LIMIT_MS for calls parked too long, a small CREATION_SHARD_ROTATE_AFTER for shards that continue as new, and, for benchmarks,
 * WORKER_MAX_CACHED_WORKFLOWS and WORKER_BACKLOG_ACTIVITY_SLOTS.
 */
export function toolWorkerTuning(env: Readonly<Record<string, string | undefined>> = process.env): { workflowBundlePath?: string; maxCachedWorkflows?: number; backlogActivitySlots?: number; callIdleTimeoutMs?: number; parkedCallLimitMs?: number; creationShardRotateAfter?: number } {
  const positive = (value: string | undefined) => {
    const n = Number(value);
    return Number.isInteger(n) && n > 0 ? n : undefined;
  };
  const cached = positive(env.WORKER_MAX_CACHED_WORKFLOWS);
  const lane = positive(env.WORKER_BACKLOG_ACTIVITY_SLOTS);
  const idle = positive(env.CALL_IDLE_TIMEOUT_MS);
  const parkedLimit = positive(env.PARKED_CALL_LIMIT_MS);
  const rotateAfter = positive(env.CREATION_SHARD_ROTATE_AFTER);
  return {
    ...(env.WORKFLOW_BUNDLE_PATH ? { workflowBundlePath: env.WORKFLOW_BUNDLE_PATH } : {}),
    ...(cached !== undefined ? { maxCachedWorkflows: cached } : {}),
    ...(lane !== undefined ? { backlogActivitySlots: lane } : {}),
    ...(idle !== undefined ? { callIdleTimeoutMs: idle } : {}),
    ...(parkedLimit !== undefined ? { parkedCallLimitMs: parkedLimit } : {}),
    ...(rotateAfter !== undefined ? { creationShardRotateAfter: rotateAfter } : {}),
  };
}
