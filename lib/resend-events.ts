import type { Client } from '@temporalio/client';
import type { Kafka } from 'kafkajs';
import { decodeEvent } from '../dispatcher/decode-event';
import { deliverToCallWorkflow } from '../dispatcher/deliver';
import type { BridgeConfig } from '../schemas/project-config';
import { readTopicSince, type WindowReadProgress } from './event-window-reader';

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

const RANK: Record<CallResend, number> = { skipped: 0, 'already-done': 1, resent: 2, failed: 3 };

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
}): Promise<ResendSummary> {
  const perCall = new Map<string, CallResend>();
  const failures: string[] = [];
  let events = 0;
  const mark = (callId: string, outcome: CallResend) => {
    const before = perCall.get(callId);
    if (!before || RANK[outcome] > RANK[before]) perCall.set(callId, outcome);
  };

  await readTopicSince({
    kafka: options.kafka,
    topic: options.topic,
    since: options.since,
    onProgress: options.onProgress,
    onMessage: async (message) => {
      const decoded = decodeEvent(message.value, options.config);
      if (!decoded.ok || decoded.envelope.event.projectId !== options.projectId) return;
      const { event } = decoded.envelope;
      events += 1;
      if (Date.parse(event.occurredAt) < options.since.getTime()) return mark(event.callId, 'skipped');
      try {
        mark(event.callId, (await deliverToCallWorkflow(options.temporal, decoded.envelope)) === 'delivered' ? 'resent' : 'already-done');
      } catch (err) {
        mark(event.callId, 'failed');
        failures.push(`${event.callId}: ${(err as Error).message}`);
      }
    },
  });

  const outcomes = [...perCall.values()];
  const count = (o: CallResend) => outcomes.filter((x) => x === o).length;
  return {
    events, calls: perCall.size, resent: count('resent'), alreadyDone: count('already-done'),
    skipped: count('skipped'), failed: count('failed'), failures,
  };
}
