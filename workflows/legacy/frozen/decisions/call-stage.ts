// FROZEN COPY for version 1 (workflows/legacy/): copied from decisions/call-stage.ts at commit 41a79f2 (issue 16),
// when version 1 was frozen. Version-1 workflows still running replay on this code and act on what it
// decides, so it never changes, and it deliberately duplicates live code: do not "dedupe" it back
// onto decisions/call-stage.ts (an edit there would change what version-1 calls do). See docs/upgrades.md.
import type { CallEvent } from '../../../../schemas/call-event';
import type { CallFacts } from '../../../../schemas/crm-plan';
import type { CallPhase } from '../../../../schemas/workflow-io';
import { answeredSeen, type CallStage } from './facts-from-events';

/** The stage a call has reached by its events: ended once a disposition came, answered once someone took it. */
export function callStage(facts: Pick<CallFacts, 'disposition'>, events: readonly CallEvent[]): CallStage {
  if (facts.disposition) return 'ended';
  return answeredSeen(events) ? 'answered' : 'ringing';
}

/** A call whose call.ended never came is closed as answered or missed by what was seen (docs/decisions.md "Calls that never ended"). */
export function closeNeverEnded(facts: CallFacts, events: readonly CallEvent[]): CallFacts {
  return { ...facts, disposition: answeredSeen(events) ? 'answered' : 'no_answer', endedAt: facts.endedAt ?? facts.startedAt };
}

/** The phase an ended call shows while its records are written (docs/contracts.md §3). */
export function endedPhase(facts: Pick<CallFacts, 'disposition'>): CallPhase {
  if (facts.disposition === 'answered') return 'answered';
  return facts.disposition === 'voicemail' ? 'voicemail' : 'missed';
}
