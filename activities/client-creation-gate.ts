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
  // One for the whole wait, not one a try: each subscribes to the activity's signal for good.
  const cancellation = context ? lateSubscribersToo(context.cancellationSignal) : undefined;
  for (let pause = RACE_PAUSE_MS; ; pause = Math.min(pause * 2, MAX_PAUSE_MS)) {
    try {
      const bounded = () => temporal.withDeadline(deadline, ask);
      return await (cancellation ? untilCancelled(temporal, cancellation, bounded) : bounded());
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

/** `start()` with `signal` (lateSubscribersToo): not started once cancelled, every request it makes cancelled with it. */
function untilCancelled<T>(temporal: Client, signal: AbortSignal, start: () => Promise<T>): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason instanceof Error ? signal.reason : new Error('activity cancelled'));
  return temporal.withAbortSignal(signal, start);
}

/**
 * A signal that aborts with `signal`, and calls back at once a listener added after it aborted.
 * The client cancels a request when its signal aborts, but only one made before the abort
 * (`connection.ts` subscribes without looking at `aborted`): a request made after it (the poll
 * for the update's outcome that follows the send, another poll after one that came back empty)
 * was never cancelled, ran to the creation wait's deadline, and a worker's stop waited for it
 * (seen: a dozen calls, their creations never to come since the creation lane had stopped).
 */
function lateSubscribersToo(signal: AbortSignal): AbortSignal {
  const controller = new AbortController();
  if (signal.aborted) controller.abort(signal.reason);
  else signal.addEventListener('abort', () => controller.abort(signal.reason), { once: true });
  const late = controller.signal;
  const subscribe = late.addEventListener.bind(late);
  late.addEventListener = ((...args: Parameters<AbortSignal['addEventListener']>) => {
    subscribe(...args);
    const [type, listener] = args;
    if (type !== 'abort' || !late.aborted || !listener) return;
    const event = new Event('abort');
    queueMicrotask(() => (typeof listener === 'function' ? listener.call(late, event) : listener.handleEvent(event)));
  }) as AbortSignal['addEventListener'];
  return late;
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
