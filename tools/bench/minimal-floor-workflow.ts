/**
 * The minimal floor (docs/requirements.md §8): the least any "one durable workflow per call with
 * Bitrix24 activities" design must do — one workflow per call, started and signalled by its
 * three Kafka events (signal-with-start, through the bridge's own dispatcher path), one no-op
 * activity when the call ends, nothing else: no lock, no upserts, no timers. Every benchmark
 * prints its figure beside this one's. Workflow code: deterministic, the activity as a type.
 */
import { condition, proxyActivities, setHandler } from '@temporalio/workflow';
import { callEventSignal } from '../../workflows/contract';
import type { MinimalFloorActivities } from './minimal-floor-types';

const { callEnded } = proxyActivities<MinimalFloorActivities>({ startToCloseTimeout: '1 minute' });

export async function minimalCallWorkflow(input: { projectId: string; callId: string }): Promise<void> {
  let ended = false;
  setHandler(callEventSignal, (envelope) => {
    if (envelope.event.type === 'call.ended') ended = true;
  });
  // No timeout: a timeout would start a timer, which the floor by definition does not have.
  await condition(() => ended);
  await callEnded({ projectId: input.projectId, callId: input.callId });
}
