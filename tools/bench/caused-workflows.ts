import type { Client } from '@temporalio/client';
import { historyOf } from './call-cost';

/**
 * Which workflows one call caused, found without knowing the design: every workflow started
 * while the call ran, plus the running ones whose history grew meanwhile (a long-lived actor
 * it signalled, a lock it queued on) — those with only the events the call added. The search
 * is limited to workflows started since `scopeStart` (the benchmark's own), and `foreign`
 * drops ids of other benchmark projects (an earlier call's lock closing on its idle timer).
 */
export interface Window {
  at: Date;
  /** Running workflow id → events it had when the window opened. */
  running: Map<string, number>;
}

const iso = (at: Date) => at.toISOString();

export async function openWindow(temporal: Client, scopeStart: Date): Promise<Window> {
  const running = new Map<string, number>();
  for await (const execution of temporal.workflow.list({ query: `ExecutionStatus='Running' AND StartTime >= '${iso(scopeStart)}'` })) {
    running.set(execution.workflowId, (await historyOf(temporal, execution.workflowId)).length);
  }
  // Visibility timestamps have their own resolution; one second of slack only adds workflows
  // that started before this call, which are found in `running` and so counted from here on.
  return { at: new Date(Date.now() - 1_000), running };
}

export interface Caused {
  ids: string[];
  /** For workflows that were already running: how many of their events were there before. */
  since: Map<string, number>;
}

export async function causedSince(temporal: Client, window: Window, foreign: (workflowId: string) => boolean): Promise<Caused> {
  const ids = new Set<string>();
  const since = new Map<string, number>();
  for await (const execution of temporal.workflow.list({ query: `StartTime >= '${iso(window.at)}'` })) {
    if (!foreign(execution.workflowId)) ids.add(execution.workflowId);
  }
  for (const [id, before] of window.running) {
    if (foreign(id)) continue;
    if (ids.has(id) || (await historyOf(temporal, id)).length > before) {
      ids.add(id);
      since.set(id, before);
    }
  }
  return { ids: [...ids].sort(), since };
}
