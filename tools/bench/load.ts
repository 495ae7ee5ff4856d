import { setTimeout as sleep } from 'node:timers/promises';
import type { CallEvent } from '../../schemas/call-event';
import { callEvents } from '../testkit/call-events';

/**
 * The benchmark's calls: incoming, answered by employee 101, from a number the portal has
 * never seen — the common heavy case (S1): client lookup, a new lead, a completed task. Every
 * call has its own number, so calls do not queue behind one another on the per-number lock
 * (B2) and each one is a full, independent unit of work.
 */
let numberSeq = Math.floor(Math.random() * 9_000_000);

export interface BenchCall {
  callId: string;
  /** Already E.164: the per-number lock workflow is keyed by it. */
  clientE164: string;
  /** ringing + answered: what Ringostat sends while the call is still going on. */
  opening: CallEvent[];
  ended: CallEvent;
}

export function newCall(projectId: string, talkSeconds = 1): BenchCall {
  numberSeq = (numberSeq + 1) % 10_000_000;
  const clientNumber = `+38050${String(numberSeq).padStart(7, '0')}`;
  // Times such that call.ended's occurredAt is about "now" when it is published after the talk.
  const at = new Date(Date.now() - 5_000);
  const events = callEvents({ projectId, clientNumber, employee: { staffId: '101' }, talkSeconds, at });
  return { callId: events[0]!.callId, clientE164: clientNumber, opening: events.slice(0, -1), ended: events[events.length - 1]! };
}

export interface PacedRun {
  /** callId → Date.now() just before its ringing + answered were handed to the producer. */
  answeredAt: Map<string, number>;
  /** callId → Date.now() just before its call.ended was handed to the producer. */
  endedAt: Map<string, number>;
  callIds: string[];
  /** Wall time the publishing took (the first ringing to the last call.ended acked). */
  publishMs: number;
}

/**
 * Starts `count` calls at a steady `ratePerSecond` (call i at start + i/rate, not "sleep
 * between", so a slow send does not lower the rate), each ending `talkMs` after it started:
 * ringing + answered first, call.ended later, as a live call would arrive. Sends are not
 * awaited one by one, so a slow ack cannot hold back the next call either.
 */
export async function publishPaced(options: {
  projectId: string;
  ratePerSecond: number;
  count: number;
  talkMs: number;
  publish: (events: readonly CallEvent[]) => Promise<void>;
}): Promise<PacedRun> {
  const answeredAt = new Map<string, number>();
  const endedAt = new Map<string, number>();
  const callIds: string[] = [];
  const sends: Promise<void>[] = [];
  const start = Date.now();
  const interval = 1000 / options.ratePerSecond;
  for (let i = 0; i < options.count; i += 1) {
    const due = start + i * interval;
    const wait = due - Date.now();
    if (wait > 0) await sleep(wait);
    const call = newCall(options.projectId, Math.max(1, Math.round(options.talkMs / 1000)));
    callIds.push(call.callId);
    answeredAt.set(call.callId, Date.now());
    sends.push(options.publish(call.opening));
    sends.push(sleep(options.talkMs).then(() => {
      endedAt.set(call.callId, Date.now());
      return options.publish([call.ended]);
    }));
  }
  await Promise.all(sends);
  return { answeredAt, endedAt, callIds, publishMs: Date.now() - start };
}

export const wholeCall = (call: BenchCall): CallEvent[] => [...call.opening, call.ended];
/** Ringing + answered only: a call still going on, its workflow waiting for call.ended. */
export const openingOnly = (call: BenchCall): CallEvent[] => call.opening;

/** Publishes calls (by default all their events) as fast as the producer takes them, in chunks. */
export async function publishBulk(
  projectId: string, count: number, publish: (events: readonly CallEvent[]) => Promise<void>, chunkCalls = 200,
  eventsOf: (call: BenchCall) => CallEvent[] = wholeCall,
): Promise<BenchCall[]> {
  const all: BenchCall[] = [];
  for (let done = 0; done < count; done += chunkCalls) {
    const calls = Array.from({ length: Math.min(chunkCalls, count - done) }, () => newCall(projectId));
    all.push(...calls);
    await publish(calls.flatMap(eventsOf));
  }
  return all;
}
