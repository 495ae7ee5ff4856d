/**
 * The worker settings a tool's bridge takes from the tool's own environment, as workers/main.ts
 * takes them from its settings: the test runner's prebuilt bundle (WORKFLOW_BUNDLE_PATH) and,
 * for benchmarks, WORKER_MAX_CACHED_WORKFLOWS.
 */
export function toolWorkerTuning(env: Readonly<Record<string, string | undefined>> = process.env): { workflowBundlePath?: string; maxCachedWorkflows?: number } {
  const cached = Number(env.WORKER_MAX_CACHED_WORKFLOWS);
  return {
    ...(env.WORKFLOW_BUNDLE_PATH ? { workflowBundlePath: env.WORKFLOW_BUNDLE_PATH } : {}),
    ...(Number.isInteger(cached) && cached > 0 ? { maxCachedWorkflows: cached } : {}),
  };
}
