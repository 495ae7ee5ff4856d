import { ApplicationFailure, WithStartWorkflowOperation, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { activityContext } from './activity-context';
import type { ResolveClientInput, ResolvedClient } from '../schemas/activity-io';
import { clientCreationShardWorkflow } from '../workflows';
import { BACKLOG_TASK_QUEUE, clientCreationShardId, createClientUpdate, FailureType, TASK_QUEUE } from '../workflows/contract';

/**
 * How long a call waits for its turn and its creation in its number's client-creation shard.
 * Under the call's own activity timeout (10 minutes, workflows/activity-proxies.ts) and above one
 * creation's bound (6 minutes), so the answer, success or failure, normally arrives in time; if
 * not, the call's activity fails and its retry asks again.
 */
const CREATION_WAIT_MS = 9 * 60_000;
/**
 * Pause before asking again after the shard turned the update away (it is continuing as new, or
 * has its 10 updates in flight) or the update raced a run's close; doubled each time up to the
 * cap (a server that is down).
 */
const RACE_PAUSE_MS = 200;
const MAX_PAUSE_MS = 5_000;

/**
 * Sends this call's creation to its number's client-creation shard, starting it if none runs
 * (update-with-start, "use existing"), and waits for the answer (B2).
 *
 * The update id is the call's and its activity attempt's: a retried attempt does not attach to
 * an earlier attempt's answer (maybe a failure), but queues a new creation, which finds by its
 * markers whatever the earlier one made. An update the shard turns away — its run is continuing
 * as new (CreationShardRotating), or the server's limit of in-flight updates a workflow is
 * reached — or one that arrives as a run closes is sent again after a pause; the next run takes
 * it; so is one the server rejected as never processed by a worker. A failed creation comes back
 * as the failure the activity inside raised (its type, retryability and message), so the call
 * parks or retries exactly as if it had created itself. A cancelled activity (its worker stops)
 * stops waiting at once; its retry asks again.
 */
export async function createInTurn(temporal: Client, input: ResolveClientInput, rotateAfter?: number): Promise<ResolvedClient> {
  const context = activityContext();
  const deadline = Date.now() + CREATION_WAIT_MS;
  const updateId = `${input.callId}:${context?.info.attempt ?? 1}`;
  // A call of the backlog's lane has its creation run as a backlog activity, not a local one.
  const backlog = context?.info.taskQueue === BACKLOG_TASK_QUEUE;
  const ask = () => temporal.workflow.executeUpdateWithStart(createClientUpdate, {
    args: [backlog ? { ...input, backlog } : input], updateId,
    startWorkflowOperation: new WithStartWorkflowOperation(clientCreationShardWorkflow, {
      workflowId: clientCreationShardId(input.projectId, input.e164), taskQueue: TASK_QUEUE,
      workflowIdConflictPolicy: 'USE_EXISTING', args: [rotateAfter !== undefined ? { rotateAfter } : {}],
      // A backlog call's creation is backlog too: it must not queue ahead of live calls (issue 15).
      ...(context?.info.priority ? { priority: context.info.priority } : {}),
    }),
  });
  for (let pause = RACE_PAUSE_MS; ; pause = Math.min(pause * 2, MAX_PAUSE_MS)) {
    try {
      const bounded = () => temporal.withDeadline(deadline, ask);
      return await (context ? untilCancelled(context.cancellationSignal, temporal.withAbortSignal(context.cancellationSignal, bounded)) : bounded());
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError && !neverRun(err)) throw asActivityFailure(err);
      // Cancelled (the worker is stopping, the call's activity timed out): the retry asks again.
      if (context?.cancellationSignal.aborted) throw err;
      if (Date.now() >= deadline) {
        throw new Error(`client creation for this call got no answer within ${CREATION_WAIT_MS / 60_000} min `
          + `(workflow ${clientCreationShardId(input.projectId, input.e164)}): ${(err as Error).message}`);
      }
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}

/** The server's failure type for an update a worker's completed task did not process. */
const SERVER_UNPROCESSED_UPDATE = 'UnprocessedUpdate';

/**
 * `work`, or the cancellation as soon as it comes. The client's abort signal cancels the request
 * that sends the update, but not always the poll for its outcome that follows (seen: a worker's
 * stop waiting on a dozen such activities, their creations never to come since the creation lane
 * had stopped). The abandoned poll ends at the creation wait's deadline.
 */
function untilCancelled<T>(signal: AbortSignal, work: Promise<T>): Promise<T> {
  // Abandoned on cancellation, it still ends (with an error, at the latest when the connection closes): nobody waits for it then.
  work.catch(() => undefined);
  if (signal.aborted) return Promise.reject(signal.reason instanceof Error ? signal.reason : new Error('activity cancelled'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason instanceof Error ? signal.reason : new Error('activity cancelled'));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * The update was never run, so it is not the creation's failure: the shard turned it away while
 * it continues as new, or the server rejected it because the worker completed a workflow task
 * without processing it (UnprocessedUpdate — seen when a shard's task was held by a local
 * activity waiting for the portal; workflows/activity-proxies.ts clientCreationTry).
 */
function neverRun(err: WorkflowUpdateFailedError): boolean {
  return err.cause instanceof ApplicationFailure
    && (err.cause.type === FailureType.CreationShardRotating || err.cause.type === SERVER_UNPROCESSED_UPDATE);
}

/** The innermost application failure of a failed creation, re-raised as this activity's own. */
function asActivityFailure(err: WorkflowUpdateFailedError): Error {
  let cause: unknown = err.cause;
  while (cause instanceof Error && !(cause instanceof ApplicationFailure) && cause.cause) cause = cause.cause;
  if (!(cause instanceof ApplicationFailure)) return new Error(`client creation failed: ${(cause as Error | undefined)?.message ?? err.message}`);
  return ApplicationFailure.create({
    type: cause.type ?? 'ApplicationFailure', message: cause.message, nonRetryable: cause.nonRetryable === true, details: cause.details ?? [],
  });
}
