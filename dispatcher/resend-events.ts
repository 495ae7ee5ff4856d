import type { Client } from '@temporalio/client';
import type { Kafka } from 'kafkajs';
import { decodeEvent } from './decode-event';
import { deliverToCallWorkflow } from './deliver';
import type { BridgeConfig } from '../schemas/project-config';
import { readTopicSince, type TopicWindow, type WindowReadProgress } from './event-window-reader';

export type CallResend = 'resent' | 'already-done' | 'skipped' | 'failed';
export interface ResendSummary {
  events: number;
  calls: number;
  resent: number;
  alreadyDone: number;
  skipped: number;
  failed: number;
  failures: string[];
}

/**
 * Where an interrupted resend stands: the window still to read (its `from` moves past every
 * message handled) and what each call came to so far. A resend that crashed resumes from it.
 */
export interface ResendCheckpoint {
  window: TopicWindow;
  perCall: Record<string, CallResend>;
  events: number;
  read: number;
  total: number;
  failures: string[];
}

const RANK: Record<CallResend, number> = { skipped: 0, 'already-done': 1, resent: 2, failed: 3 };
const KEPT_FAILURES = 20;

/**
 * Re-reads one project's events since `since` and hands them to their call workflows again
 * (T3, replay). Idempotent: running calls drop events they saw (eventId), completed calls are
 * not restarted, and a call whose workflow is gone starts again behind the CRM markers (R1).
 * Events that happened before `since` are skipped even when Kafka got them later.
 */
export async function resendProjectEvents(options: {
  kafka: Kafka;
  temporal: Client;
  config: BridgeConfig;
  projectId: string;
  topic: string;
  since: Date;
  onProgress?: (progress: WindowReadProgress) => void;
  resumeFrom?: ResendCheckpoint;
  onCheckpoint?: (checkpoint: ResendCheckpoint) => void;
}): Promise<ResendSummary> {
  const resumed = options.resumeFrom;
  const perCall = new Map<string, CallResend>(Object.entries(resumed?.perCall ?? {}));
  const failures: string[] = [...(resumed?.failures ?? [])];
  let events = resumed?.events ?? 0;
  let window: TopicWindow | undefined = resumed?.window;
  let total = resumed?.total ?? 0;
  let read = resumed?.read ?? 0;
  const mark = (callId: string, outcome: CallResend) => {
    const before = perCall.get(callId);
    if (!before || RANK[outcome] > RANK[before]) perCall.set(callId, outcome);
  };
  const checkpoint = (): ResendCheckpoint => ({
    window: window ?? { from: {}, end: {} }, perCall: Object.fromEntries(perCall), events, read, total, failures,
  });

  await readTopicSince({
    kafka: options.kafka,
    topic: options.topic,
    since: options.since,
    window,
    onWindow: (w) => {
      window = { from: { ...w.from }, end: { ...w.end } };
    },
    onProgress: (progress) => {
      if (!resumed) total = progress.total;
      options.onProgress?.({ read, total });
    },
    onMessage: async (message, partition) => {
      await handle(message.value);
      read += 1;
      if (window) window.from[partition] = (BigInt(message.offset) + 1n).toString();
      options.onCheckpoint?.(checkpoint());
    },
  });

  async function handle(value: Buffer | null): Promise<void> {
    const decoded = decodeEvent(value, options.config);
    if (!decoded.ok || decoded.envelope.event.projectId !== options.projectId) return;
    const { event } = decoded.envelope;
    events += 1;
    if (Date.parse(event.occurredAt) < options.since.getTime()) return mark(event.callId, 'skipped');
    try {
      mark(event.callId, (await deliverToCallWorkflow(options.temporal, decoded.envelope)) === 'delivered' ? 'resent' : 'already-done');
    } catch (err) {
      mark(event.callId, 'failed');
      if (failures.length < KEPT_FAILURES) failures.push(`${event.callId}: ${(err as Error).message}`);
    }
  }

  const outcomes = [...perCall.values()];
  const count = (o: CallResend) => outcomes.filter((x) => x === o).length;
  return {
    events, calls: perCall.size, resent: count('resent'), alreadyDone: count('already-done'),
    skipped: count('skipped'), failed: count('failed'), failures,
  };
}
