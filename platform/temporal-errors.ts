/**
 * What a Temporal RPC's failure says, read from the gRPC status the SDK wraps (a ServiceError's
 * `cause`, a WorkflowUpdate…Error's chain): the code and the server's words.
 */

/** gRPC FAILED_PRECONDITION: what Temporal's WorkflowNotReady travels as. */
const FAILED_PRECONDITION = 9;

/** The first gRPC status in `err`'s cause chain: its code and the server's message (`details`). */
export function grpcStatusOf(err: unknown): { code: number; details: string } | undefined {
  for (let e = err; typeof e === 'object' && e !== null; e = (e as { cause?: unknown }).cause) {
    const { code, details } = e as { code?: unknown; details?: unknown };
    if (typeof code === 'number' && typeof details === 'string') return { code, details };
  }
  return undefined;
}

/**
 * The server turned a query away because the workflow cannot answer it yet, not because it is
 * gone or the query is wrong: its workflow task is being retried (three attempts or more — a
 * continue-as-new that met new signals fails its task each time, as does a task whose worker
 * died), or its first task has not run. The SDK does not retry it; asked again a moment later,
 * the same query answers.
 */
export function isQueryNotReady(err: unknown): boolean {
  return grpcStatusOf(err)?.code === FAILED_PRECONDITION;
}
