import { z } from 'zod';
import { resendCountsSchema } from './workflow-io';

/** Offsets per partition (as strings): where a read of a topic starts, and where it stops (exclusive). */
export const topicWindowSchema = z.object({
  from: z.record(z.string(), z.string()),
  end: z.record(z.string(), z.string()),
});

/**
 * What a resend came to (T3, T5). Calls are counted once each, at their `call.ended` event (a
 * call's events share a partition, so no per-call memory is needed): resent (its workflow was
 * missing, failed or lost, and got its events again), already done (completed before), in progress
 * (running since before the resend, e.g. parked: it has its events, and is woken, not resent),
 * skipped (ended before the window). `failed` counts events that could not be delivered, each
 * named in `failures` (the first few).
 */
export const resendSummarySchema = resendCountsSchema.omit({ read: true, total: true }).extend({
  /** Events of the project read in the window. */
  events: z.number().int().nonnegative(),
  inProgress: z.number().int().nonnegative(),
  failures: z.array(z.string()),
});

/**
 * Where an interrupted resend stands: the window still to read (its `from` moves past every batch
 * handled) and the counts so far. Its size does not grow with the calls in the window: offsets,
 * counters and a few short lines, so it fits a heartbeat at any volume.
 */
export const resendCheckpointSchema = resendSummarySchema.extend({
  window: topicWindowSchema,
  read: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
});

/**
 * What the resend activity heartbeats: its window start, when it began, and the checkpoint, to
 * resume after a crash; `status` and the CLI read the progress from it.
 */
export const resendHeartbeatSchema = z.object({
  since: z.string(),
  startedAt: z.string(),
  checkpoint: resendCheckpointSchema.optional(),
});

export type TopicWindow = z.infer<typeof topicWindowSchema>;
export type ResendSummary = z.infer<typeof resendSummarySchema>;
export type ResendCheckpoint = z.infer<typeof resendCheckpointSchema>;
export type ResendHeartbeat = z.infer<typeof resendHeartbeatSchema>;
