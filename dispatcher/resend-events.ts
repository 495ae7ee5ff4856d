import type { Client } from '@temporalio/client';
import type { Kafka, KafkaMessage } from 'kafkajs';
import type { BridgeConfig } from '../schemas/project-config';
import type { ResendCheckpoint, ResendSummary, TopicWindow } from '../schemas/resend';
import type { CallEventEnvelope } from '../schemas/workflow-io';
import { callVerdicts, type CallVerdict } from './call-verdict';
import { decodeEvent } from './decode-event';
import { callWorkflowTarget, deliverToCallWorkflow, type DeliveryTarget } from './deliver';
import { readTopicSince, type WindowBatch, type WindowReadProgress } from './event-window-reader';

/** A checkpoint names at most this many failed deliveries (the count goes on). */
const KEPT_FAILURES = 20;
const FAILURE_CHARS = 200;
/** Deliveries in flight at once: enough to hide a round trip, few enough to leave the server to live calls. */
export const RESEND_CONCURRENCY = 32;

export function emptySummary(): ResendSummary {
  return { events: 0, calls: 0, resent: 0, alreadyDone: 0, inProgress: 0, skipped: 0, failed: 0, failures: [] };
}

/**
 * Re-reads one project's events since `since` and hands them to their call workflows again
 * (T3, replay). Idempotent and cheap where nothing is missing: a call whose workflow completed,
 * or has been running since before the resend began (`startedAt`), is not signalled — it has its
 * events, and signalling it would only wake it; a call whose workflow is gone, failed, or was
 * started by this resend gets the event (R1 markers keep a restarted call from writing twice).
 * Events that happened before `since` are skipped even when Kafka got them later. Other projects'
 * events are passed over by their key, undecoded.
 */
export async function resendProjectEvents(options: {
  kafka: Kafka;
  temporal: Client;
  config: BridgeConfig;
  projectId: string;
  topic: string;
  since: Date;
  /** When this resend began (kept across its retries): workflows started since then may be its own. */
  startedAt?: Date;
  onProgress?: (progress: WindowReadProgress) => void;
  resumeFrom?: ResendCheckpoint;
  /** After every batch: the state to resume from. */
  onCheckpoint?: (checkpoint: ResendCheckpoint) => void;
  /** After every few deliveries, however slow Temporal answers: the caller's liveness beat. */
  onAlive?: () => void;
  /** Stops the resend (the activity was cancelled, or timed out and is retried elsewhere). */
  signal?: AbortSignal;
  concurrency?: number;
  /** Where a lost call's events go: the call workflow on the bridge's task queue (a benchmark may point it elsewhere). */
  target?: DeliveryTarget;
}): Promise<ResendSummary> {
  const resumed = options.resumeFrom;
  const counts: ResendSummary = resumed ? pickSummary(resumed) : emptySummary();
  let window: TopicWindow | undefined = resumed?.window;
  let total = resumed?.total ?? 0;
  let read = resumed?.read ?? 0;
  const keyPrefix = Buffer.from(`${options.projectId}:`);
  const verdicts = callVerdicts(options.temporal, options.startedAt ?? new Date());
  const concurrency = options.concurrency ?? RESEND_CONCURRENCY;

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
    onBatch: async (batch: WindowBatch) => {
      const ours = batch.messages.filter((m) => isOurs(m, keyPrefix));
      for (let i = 0; i < ours.length; i += concurrency) {
        options.signal?.throwIfAborted();
        await Promise.all(ours.slice(i, i + concurrency).map(handle));
        await batch.heartbeat();
        options.onAlive?.();
      }
      read += batch.messages.length;
      if (window) window.from[batch.partition] = (BigInt((batch.messages[batch.messages.length - 1] as KafkaMessage).offset) + 1n).toString();
      options.onCheckpoint?.({ ...counts, failures: [...counts.failures], window: window ?? { from: {}, end: {} }, read, total });
      options.onProgress?.({ read, total });
    },
  });

  async function handle(message: KafkaMessage): Promise<void> {
    const decoded = decodeEvent(message.value, options.config);
    // Undecodable events are the dispatcher's to dead-letter, not the resend's.
    if (!decoded.ok || decoded.envelope.event.projectId !== options.projectId) return;
    const { event } = decoded.envelope;
    counts.events += 1;
    let outcome: CallVerdict | 'resent' | 'skipped' | 'failed';
    if (Date.parse(event.occurredAt) < options.since.getTime()) outcome = 'skipped';
    else outcome = await deliver(decoded.envelope);
    if (event.type === 'call.ended' && outcome !== 'failed') count(outcome);
  }

  async function deliver(envelope: CallEventEnvelope): Promise<CallVerdict | 'resent' | 'failed'> {
    const { event } = envelope;
    try {
      const verdict = await verdicts.of(event.projectId, event.callId);
      if (verdict !== 'deliver') return verdict;
      return (await deliverToCallWorkflow(options.temporal, envelope, options.target ?? callWorkflowTarget, { backlog: true })) === 'delivered' ? 'resent' : 'already-done';
    } catch (err) {
      counts.failed += 1;
      if (counts.failures.length < KEPT_FAILURES) counts.failures.push(`${event.callId}: ${(err as Error).message}`.slice(0, FAILURE_CHARS));
      return 'failed';
    }
  }

  function count(outcome: CallVerdict | 'resent' | 'skipped'): void {
    counts.calls += 1;
    if (outcome === 'resent' || outcome === 'deliver' || outcome === 'done-by-resend') counts.resent += 1;
    else if (outcome === 'already-done') counts.alreadyDone += 1;
    else if (outcome === 'in-progress') counts.inProgress += 1;
    else counts.skipped += 1;
  }

  return counts;
}

/** Messages are keyed `{projectId}:{callId}`; an unkeyed one is decoded to be sure. */
function isOurs(message: KafkaMessage, keyPrefix: Buffer): boolean {
  const key = message.key;
  if (!key || key.length === 0) return true;
  return key.length > keyPrefix.length && key.subarray(0, keyPrefix.length).equals(keyPrefix);
}

function pickSummary(c: ResendSummary): ResendSummary {
  return {
    events: c.events, calls: c.calls, resent: c.resent, alreadyDone: c.alreadyDone, inProgress: c.inProgress ?? 0,
    skipped: c.skipped, failed: c.failed, failures: [...c.failures],
  };
}
