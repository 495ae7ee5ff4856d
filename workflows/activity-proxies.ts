import { proxyActivities, proxyLocalActivities, type ActivityOptions } from '@temporalio/workflow';
import { BACKLOG_PRIORITY, CREATION_TASK_QUEUE, FailureType, NON_RETRYABLE, TASK_QUEUE, type CallActivities, type IntegrationActivities } from './contract';

/**
 * Bitrix24 work: transient faults and rate limits retry with backoff (R3) for up to a day; the
 * activity honours Bitrix24's retry-after itself. A worker that dies mid-request is noticed by
 * the heartbeat timeout: activities heartbeat only when they run long (a rate-limit queue), so a
 * quick one costs no heartbeat, and a lost one is retried within seconds, not minutes.
 */
export const CRM_ACTIVITY_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '10 seconds',
  scheduleToCloseTimeout: '24 hours',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '2 minutes', nonRetryableErrorTypes: NON_RETRYABLE },
};
export const crm = proxyActivities<CallActivities>(CRM_ACTIVITY_OPTIONS);

/**
 * A live call's tasks written after its client was resolved at call.answered (completeCall), as
 * a local activity first: the call has already paid one activity for its resolution, and a second
 * one costs a task-queue round trip, three history events and a workflow task more for a write of
 * one to three requests (issue 16, P2). A quick try only — two attempts, 20 s each at most, and it
 * declines at once (`quickTry`, LocalTryDeclined) when the worker has no room under the portal's
 * rate limit — since
 * the call's workflow task, and one of the worker's workflow-task slots that every project's calls
 * need, is held while it runs: when it fails (500s, a hung request, an invalid token), the call
 * writes its tasks in the completeCall activity as before, which retries for a day in an activity
 * slot or parks the call (call-workflow.ts). A worker killed mid-write loses the task; another runs the write again,
 * and it finds by its markers what the first wrote (R1).
 */
export const localCrm = proxyLocalActivities<CallActivities>({
  startToCloseTimeout: '20 seconds',
  retry: { initialInterval: '500 milliseconds', maximumAttempts: 2, nonRetryableErrorTypes: NON_RETRYABLE },
});

/**
 * A call's client creation inside its number's client-creation shard (B2), as a local
 * activity: the workflow lives for one creation or a burst of them, so a task-queue round trip
 * and three history events per creation would be most of its cost. A long wait in the portal's
 * rate-limit queue keeps the workflow task alive (the SDK heartbeats it); a worker killed
 * mid-creation loses that task, another worker runs the creation again, and it looks up first
 * and finds by its markers what the killed attempt created (R1). Bounded to well under the wait
 * of the calls queued behind it (CREATION_WAIT_MS in activities/client-creation-gate.ts): when
 * Bitrix24 stays down longer, the update fails with the last failure, the waiting call's
 * activity fails with it, and that call's own retry policy (a day, CRM_ACTIVITY_OPTIONS) asks again.
 */
const CREATION_BOUNDS = {
  startToCloseTimeout: '5 minutes',
  scheduleToCloseTimeout: '6 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', nonRetryableErrorTypes: NON_RETRYABLE },
} as const satisfies ActivityOptions;
export const clientCreation = proxyLocalActivities<CallActivities>(CREATION_BOUNDS);

/**
 * From CREATION_TRY_PATCH on (workflows/client-creation-shard-workflow.ts), a live call's creation
 * is first tried as a local activity (from TRIES_TOGETHER_PATCH on, `tryCreations`: the creations a
 * run holds, together, one such try at a time) that declines to wait for the portal's rate limit (input
 * `quickTry`: LocalTryDeclined when the worker has no room to send its requests now), with one
 * attempt: a portal with room answers a creation in well under a second, so the common case costs
 * no task-queue round trip. Whatever fails the try — the decline, a 500, an invalid token — the
 * shard runs the creation as `liveClientCreation`, which looks up first and so finds what the try
 * may have made (R1).
 *
 * Why not the local activity alone: one that waits in the rate-limit queue holds its shard's
 * workflow task for seconds, the SDK then heartbeats that task, and creations sent to the shard
 * meanwhile were rejected as never processed (UnprocessedUpdate; the sdk-core errors "unprocessed
 * protocol messages while receiving new work"), and their calls ended without their lead: 47 of a
 * backlog of 300 new callers on a standard plan (P4, docs/benchmarks.md). The time bound stays CREATION_BOUNDS'
 * (more than the few requests' HTTP timeouts), so the try is never cut off mid-request while the
 * activity after it runs.
 */
export const clientCreationTry = proxyLocalActivities<CallActivities>({
  startToCloseTimeout: CREATION_BOUNDS.startToCloseTimeout,
  retry: { maximumAttempts: 1 },
});

/**
 * A live call's creation after its local try failed: an activity, waiting in an activity slot
 * (heartbeating) rather than the shard's workflow task — in the creation lane, whose slots no call
 * holds while it waits for its creation (CREATION_TASK_QUEUE).
 */
export const liveClientCreation = proxyActivities<CallActivities>({
  ...CREATION_BOUNDS,
  taskQueue: CREATION_TASK_QUEUE,
  heartbeatTimeout: '10 seconds',
});

/**
 * The same creation for a call of the backlog (issue 15, item 5), as an activity: a local activity
 * keeps its workflow task, and with it one of the main worker's workflow-task slots, for as long
 * as it waits on the portal's rate limiter, so a resumed backlog of new callers on a standard plan
 * would hold those slots for minutes while live calls' tasks wait. On the main task queue at
 * backlog priority, not in the backlog's lane: the call waiting for it holds a lane slot, so in the
 * lane it could wait for a slot only its own kind holds. At most one runs per waiting lane slot.
 */
export const backlogClientCreation = proxyActivities<CallActivities>({
  ...CREATION_BOUNDS,
  taskQueue: TASK_QUEUE,
  priority: BACKLOG_PRIORITY,
  heartbeatTimeout: '10 seconds',
});

/**
 * Settings, credentials state, round robin: quick, on this worker, recorded as markers. Their
 * retries are bounded (10 attempts, about 2 minutes; never past 10 minutes): a local activity
 * retrying forever would hold the call's workflow task loop without a word. When they give up,
 * the call records why (call-actor.ts localStep) — issue 16, item 6.
 */
export const local = proxyLocalActivities<CallActivities>({
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '10 minutes',
  retry: { initialInterval: '500 milliseconds', maximumInterval: '30 seconds', maximumAttempts: 10, nonRetryableErrorTypes: NON_RETRYABLE },
});

/** The portal check of a new webhook: one try — a refusal is the answer, not a fault to retry. */
export const webhookCheck = proxyActivities<IntegrationActivities>({
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 3, nonRetryableErrorTypes: [...NON_RETRYABLE, FailureType.WebhookRefused] },
});

/**
 * Waking parked calls and the 3-day resend (T3): durable, resumed from their heartbeats after a
 * crash. The heartbeat timeout is also how often the SDK sends a heartbeat (at most every 0.8 ×
 * it): 10 s means a crashed worker's resend moves on within 10 s and resumes at most ~8 s back.
 */
export const integrationWork = proxyActivities<IntegrationActivities>({
  startToCloseTimeout: '6 hours',
  heartbeatTimeout: '10 seconds',
  // Bounded like all retries (issue 16): a resend still failing after a day ends, its reason in the run's failures.
  scheduleToCloseTimeout: '24 hours',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', nonRetryableErrorTypes: NON_RETRYABLE },
});
