import type { CallFacts } from '../schemas/crm-plan';
import type { Scenario } from '../schemas/project-config';

export type CallStage = 'ringing' | 'answered' | 'ended';

/** The stage a call has reached, from the facts folded so far. */
export function currentStage(facts: CallFacts, answered: boolean): CallStage {
  if (facts.disposition) return 'ended';
  return answered ? 'answered' : 'ringing';
}

/**
 * Whether the call's first CRM work (client lookup, new entity) is due at this stage
 * (DECISIONS.md "When things are created"). Only incoming calls create before the end.
 */
export function creationDue(stage: CallStage, facts: CallFacts, scenario: Scenario): boolean {
  if (stage === 'ended') return true;
  if (facts.direction === 'outgoing') return false;
  if (stage === 'ringing') return scenario.createOn === 'ringing';
  return scenario.createOn === 'answer' || scenario.createOn === 'ringing';
}
