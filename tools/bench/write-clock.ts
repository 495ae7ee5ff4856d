import type { Sandbox } from '../sandbox';
import type { SandboxCore } from '../sandbox/core';
import type { RequestLogEntry } from '../sandbox/types';

/**
 * When did the sandbox finish writing each call's task? The call's task (XML_ID
 * `ringostat-bridge:{project}:{callId}:{key}`) is the last thing the call workflow writes, so
 * that moment is "the last Bitrix24 write" of P1 and the completion mark of P2.
 *
 * Why not the request log or CREATED_DATE: a batch carries commands of many calls, so its log
 * entry cannot say whose write it was, and CREATED_DATE has one-second resolution. Instead the
 * sandbox's request recorder (called once per request, right after the request executed) is
 * wrapped: after each successful request it picks up the tasks that appeared, stamping them
 * with that moment. Task ids are sequential per portal, so only the new ones are looked at.
 * New leads are stamped the same way (P1's "the lead exists"): a lead the bridge creates
 * carries ORIGIN_ID `{callId}:lead` (its idempotency marker, activities/create-activities.ts).
 */
export interface WriteClock {
  /** callId → ms epoch when its last task was written. */
  writtenAt: ReadonlyMap<string, number>;
  /** callId → ms epoch when the lead it created was written. */
  leadAt: ReadonlyMap<string, number>;
  /** Resolves when `count` calls have a task written since the watch began (or rejects after timeoutMs). */
  waitFor(count: number, timeoutMs: number): Promise<void>;
  detach(): void;
}

export function watchTaskWrites(sandbox: Sandbox, portalId: string): WriteClock {
  // The in-process sandbox's admin object is its core; the recorder is not part of the admin
  // interface, which is why this cast exists. Benchmarks only; the sandbox is not changed.
  const core = sandbox.admin as SandboxCore;
  const tasks = core.portal(portalId).tasks;
  const leads = core.portal(portalId).records.lead;
  const writtenAt = new Map<string, number>();
  const leadAt = new Map<string, number>();
  const original = core.record;
  // Records written before the watch started are not this watch's calls.
  let lastId = 0;
  while (tasks.has(lastId + 1)) lastId += 1;
  let lastLeadId = 0;
  while (leads.has(lastLeadId + 1)) lastLeadId += 1;
  let waiter: { count: number; resolve: () => void } | undefined;

  const scan = (now: number): void => {
    while (tasks.has(lastId + 1)) {
      lastId += 1;
      const xmlId = String(tasks.get(lastId)?.XML_ID ?? '');
      // ringostat-bridge:{projectId}:{callId}:{key} — callIds carry no colons.
      const parts = xmlId.split(':');
      const callId = parts.length >= 4 ? (parts[parts.length - 2] as string) : xmlId;
      writtenAt.set(callId, now);
    }
    while (leads.has(lastLeadId + 1)) {
      lastLeadId += 1;
      const origin = String(leads.get(lastLeadId)?.ORIGIN_ID ?? '');
      if (origin.endsWith(':lead')) leadAt.set(origin.slice(0, -':lead'.length), now);
    }
    if (waiter && writtenAt.size >= waiter.count) waiter.resolve();
  };

  core.record = function record(this: SandboxCore, entry: RequestLogEntry): void {
    original.call(this, entry);
    if (entry.portalId === portalId && entry.status === 200) scan(Date.now());
  };

  return {
    writtenAt,
    leadAt,
    waitFor(count, timeoutMs) {
      if (writtenAt.size >= count) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`only ${writtenAt.size} of ${count} calls were written within ${timeoutMs} ms`)), timeoutMs);
        waiter = { count, resolve: () => { clearTimeout(timer); waiter = undefined; resolve(); } };
      });
    },
    detach() {
      core.record = original;
    },
  };
}
