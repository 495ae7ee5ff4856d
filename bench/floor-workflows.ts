/**
 * The platform floor (P2) and round-trip baseline (P1): the same Temporal work a call does —
 * started and signalled by its Kafka events, a per-number lock workflow granted and released
 * by signals, the same activities in the same order, the same search-attribute upserts — but
 * every activity is a no-op. Bundled on its own (bench/floor-worker.ts) and served on its own
 * task queue, so it shares nothing with the bridge but the Kafka and Temporal it runs on.
 * Workflow code: deterministic, no I/O, activities imported as a type only.
 */
import { condition, proxyActivities, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { CallEventEnvelope } from '../schemas/workflow-io';
import { callEventSignal, clientLockGrantedSignal } from '../workflows/messages';
import { CallOutcomeKey, CallPhaseKey, ClientNumberKey } from '../workflows/search-attributes';
import type { FloorActivities } from './floor-types';

// The lock is real work of the platform (one more workflow and three signals per call), so
// the floor runs the bridge's own lock workflow rather than an imitation of it.
export { clientLockWorkflow } from '../workflows/client-lock-workflow';

// Same timeouts and retry shape as the bridge's proxies (workflows/activity-proxies.ts).
const act = proxyActivities<FloorActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '2 minutes' },
});

export async function floorCallWorkflow(input: { projectId: string; callId: string }): Promise<void> {
  const envelopes: CallEventEnvelope[] = [];
  const seen = new Set<string>();
  let granted: string | undefined;
  let phase = 'ringing';
  setHandler(callEventSignal, (envelope) => {
    if (seen.has(envelope.event.eventId)) return;
    seen.add(envelope.event.eventId);
    envelopes.push(envelope);
  });
  setHandler(clientLockGrantedSignal, ({ lockId }) => { granted = lockId; });
  const setPhase = (next: string) => {
    if (next === phase) return;
    phase = next;
    upsertSearchAttributes([{ key: CallPhaseKey, value: next }]);
  };

  await condition(() => envelopes.length > 0);
  const e164 = (envelopes[0] as CallEventEnvelope).clientE164;
  upsertSearchAttributes([{ key: ClientNumberKey, value: e164 }, { key: CallPhaseKey, value: phase }]);
  await act.settings(input.projectId);

  const has = (type: string) => envelopes.some((e) => e.event.type === type);
  let resolved = false;
  for (;;) {
    const processed = envelopes.length;
    const ended = has('call.ended');
    if (has('call.answered') && !ended) setPhase('answered');
    // The client is resolved once, at answer (the default createOn), under the number's lock.
    if (!resolved && (ended || has('call.answered'))) {
      const lock = { projectId: input.projectId, e164, holder: `${workflowInfo().workflowId}#1` };
      await act.requestLock(lock);
      await condition(() => granted === lock.holder);
      await act.lookup(input.projectId);
      await act.createEntities(input.projectId);
      await act.releaseLock(lock);
      resolved = true;
    }
    if (ended) break;
    await condition(() => envelopes.length > processed);
  }
  setPhase('answered');
  await act.createTasks({ projectId: input.projectId, callId: input.callId });
  upsertSearchAttributes([{ key: CallOutcomeKey, value: 'floor' }]);
  setPhase('completed');
}
