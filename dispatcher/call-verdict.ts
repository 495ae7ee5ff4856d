import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { callWorkflowId } from '../workflows/contract';

/**
 * What a resend does with an event of a call, from the state of the call's workflow:
 * - `already-done`: completed, started before the resend; nothing to do;
 * - `done-by-resend`: completed, started since the resend began (by it, before a crash it resumed
 *   from, or live): nothing to do, and it counts as resent;
 * - `in-progress`: running since before the resend began (live, or parked and woken by the
 *   reactivation) — it got its events from the dispatcher, and a signal would only wake it;
 * - `deliver`: missing, failed, terminated, or started since the resend began (maybe by it): the
 *   event goes to it.
 */
export type CallVerdict = 'already-done' | 'done-by-resend' | 'in-progress' | 'deliver';

/**
 * Both times are the Temporal server's (the reactivation workflow's start, a call workflow's
 * start); this much allows for a cluster's hosts differing a little: a workflow started this close
 * before the resend is taken as possibly its own (a harmless duplicate signal at worst).
 */
const CLOCK_MARGIN_MS = 5_000;
/** Calls whose verdict is remembered: a call's few events usually lie close together in its partition. */
export const REMEMBERED = 10_000;

/** The verdict from a call workflow's status and start time; `cutoff`: started before it means before the resend. */
export function verdictOf(status: string, startTime: Date, cutoff: number): CallVerdict {
  const before = startTime.getTime() < cutoff;
  if (status === 'COMPLETED') return before ? 'already-done' : 'done-by-resend';
  if (status === 'RUNNING') return before ? 'in-progress' : 'deliver';
  // Failed, terminated, timed out, cancelled: the dispatcher's reuse policy starts it again.
  return 'deliver';
}

/**
 * One describe per call, remembered in a bounded map (the oldest forgotten first), so memory does
 * not grow with the calls in the window. Every verdict is safe to remember and to forget: done and
 * in-progress calls stay so, and a call this resend delivered to is, when described again, one
 * started since the resend began — `deliver` again. Forgetting costs a describe, never an event.
 */
export function callVerdicts(temporal: Client, resendStartedAt: Date) {
  const remembered = new Map<string, CallVerdict>();
  const cutoff = resendStartedAt.getTime() - CLOCK_MARGIN_MS;

  async function describe(projectId: string, callId: string): Promise<CallVerdict> {
    try {
      const d = await temporal.workflow.getHandle(callWorkflowId(projectId, callId)).describe();
      return verdictOf(d.status.name, d.startTime, cutoff);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return 'deliver';
      throw err;
    }
  }

  return {
    /** How many verdicts are held now (bounded by REMEMBERED). */
    get remembered(): number {
      return remembered.size;
    },
    async of(projectId: string, callId: string): Promise<CallVerdict> {
      const known = remembered.get(callId);
      if (known) return known;
      const verdict = await describe(projectId, callId);
      if (remembered.size >= REMEMBERED) remembered.delete(remembered.keys().next().value as string);
      remembered.set(callId, verdict);
      return verdict;
    },
  };
}
