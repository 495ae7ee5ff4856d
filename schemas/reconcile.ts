import { z } from 'zod';

/** What one reconciliation (B7) of a window found and did, per call of Ringostat's call log. */
export const reconcileSummarySchema = z.object({
  projectId: z.string(),
  /** The window read, ISO; both ends inclusive (whole seconds). */
  from: z.string(),
  to: z.string(),
  /** Calls in Ringostat's log for the window. */
  listed: z.number().int().nonnegative(),
  /** Published: the bridge never saw the call. */
  recovered: z.number().int().nonnegative(),
  /** Published: the bridge saw the call but its workflow has not completed (running, failed). */
  unfinished: z.number().int().nonnegative(),
  /** Left alone: the call's workflow completed. */
  alreadyDone: z.number().int().nonnegative(),
  /** Left alone: still going on at Ringostat, or internal / transit (never written to the CRM). */
  skipped: z.number().int().nonnegative(),
  /** Could not be read, checked or published: a later run (or `reconcile`) tries again. */
  failed: z.number().int().nonnegative(),
  /** Ids of the published calls, the first 100 (the rest are counted only). */
  publishedCallIds: z.array(z.string()),
});

/** A scheduled run's result: what `status` and the Temporal UI show. */
export const reconcileResultSchema = reconcileSummarySchema.extend({
  startedAt: z.string(),
  finishedAt: z.string(),
});

export const reconcileWorkflowInputSchema = z.object({
  projectId: z.string(),
  /** How far back a run looks: more than the schedule's period, so runs overlap. */
  lookbackMs: z.number().int().positive(),
  /** Calls that ended this recently are left to their webhook, still in flight. */
  settleMs: z.number().int().nonnegative(),
});

export type ReconcileSummary = z.infer<typeof reconcileSummarySchema>;
export type ReconcileResult = z.infer<typeof reconcileResultSchema>;
export type ReconcileWorkflowInput = z.infer<typeof reconcileWorkflowInputSchema>;
