import type { Client } from '@temporalio/client';
import type { Producer } from 'kafkajs';
import { callEventKey, type CallEvent } from '../../schemas/call-event';
import { callWorkflowV2 } from '../../workflows';
import { callWorkflowId } from '../../workflows/contract';
import { callEvents } from './call-events';

/**
 * A resend window at volume, cheap to make (issue 15; the P8 benchmark and the volume test):
 * events of one project in Kafka that the resend must tell apart, mixed with another project's.
 * - `skipped`: calls that happened before the window (Kafka got them inside it): read, decoded, skipped;
 * - `inProgress`: calls whose workflow runs since before the resend (started here on a task queue
 *   no worker polls, as a parked call's would be): one describe each, no signal;
 * - `lost`: calls with no workflow at all: resent, so the bridge writes each once;
 * - `otherEvents`: events of another project: passed over by their key.
 */
export interface VolumeShape {
  skipped: number;
  inProgress: number;
  lost: number;
  otherEvents: number;
}

export interface SeededVolume {
  lostCallIds: string[];
  inProgressCallIds: string[];
  messages: number;
}

const SEND_CHUNK = 2_000;
const START_CONCURRENCY = 32;

export async function seedResendVolume(options: {
  producer: Producer;
  temporal: Client;
  topic: string;
  projectId: string;
  otherProjectId: string;
  shape: VolumeShape;
  /** Where the in-progress calls' workflows are started: a queue no worker polls. */
  idleTaskQueue: string;
}): Promise<SeededVolume> {
  const { projectId, shape } = options;
  const fourDaysAgo = new Date(Date.now() - 4 * 24 * 3600 * 1000);
  const number = (prefix: string, i: number) => `+38067${prefix}${String(i).padStart(5, '0')}`;
  const calls = (count: number, prefix: string, at?: Date, project = projectId) =>
    Array.from({ length: count }, (_, i) => callEvents({ projectId: project, clientNumber: number(prefix, i), employee: { staffId: '101' }, ...(at ? { at } : {}) }));
  const skipped = calls(shape.skipped, '1', fourDaysAgo);
  const inProgress = calls(shape.inProgress, '2');
  const lost = calls(shape.lost, '3');
  const other = calls(Math.ceil(shape.otherEvents / 3), '4', undefined, options.otherProjectId);

  const inProgressCallIds = inProgress.map((events) => (events[0] as CallEvent).callId);
  for (let i = 0; i < inProgressCallIds.length; i += START_CONCURRENCY) {
    await Promise.all(inProgressCallIds.slice(i, i + START_CONCURRENCY).map((callId) => options.temporal.workflow.start(callWorkflowV2, {
      workflowId: callWorkflowId(projectId, callId), taskQueue: options.idleTaskQueue, args: [{ projectId, callId }],
    })));
  }

  // Interleaved, so that any stretch of the topic holds every kind.
  const all = interleave([skipped, inProgress, lost, other]).flat();
  for (let i = 0; i < all.length; i += SEND_CHUNK) {
    await options.producer.send({
      topic: options.topic,
      messages: all.slice(i, i + SEND_CHUNK).map((event) => ({ key: callEventKey(event), value: JSON.stringify(event) })),
    });
  }
  return { lostCallIds: lost.map((events) => (events[0] as CallEvent).callId), inProgressCallIds, messages: all.length };
}

function interleave<T>(lists: T[][]): T[] {
  const out: T[] = [];
  const longest = Math.max(...lists.map((l) => l.length));
  const steps = lists.map((l) => (l.length === 0 ? Infinity : longest / l.length));
  const next = lists.map(() => 0);
  for (let k = 0; k < longest; k += 1) {
    lists.forEach((list, j) => {
      while ((next[j] as number) < list.length && (next[j] as number) * (steps[j] as number) <= k) out.push(list[(next[j] as number)++] as T);
    });
  }
  return out;
}
