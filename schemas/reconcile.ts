import { z } from 'zod';

/**
 * What makes a reconciliation suspect that Ringostat's dates are read on the wrong clock:
 * rows dated in the future; rows dated well after the bridge started their call's workflow
 * (a call cannot happen after the bridge saw it); an empty call log for a window in which the
 * bridge started calls.
 */
export const clockSkewSigns = ['future-rows', 'rows-after-bridge', 'empty-window'] as const;
export type ClockSkewSign = (typeof clockSkewSigns)[number];

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
  /**
   * Set when the call log looks shifted in time — Ringostat's account on another time zone than
   * the config says (`ringostat.timeZone`): what gave it away, in plain words.
   */
  clockSkew: z.object({ signs: z.array(z.enum(clockSkewSigns)), detail: z.string() }).optional(),
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
