import type { CallFacts } from '../schemas/crm-plan';

/** Why a call writes nothing to the CRM at all (S7). */
export type SkipReason = 'internal' | 'transit' | 'transferred';

/**
 * S7: internal calls between employees, transit calls, and transferred legs after the first
 * (`transferredFrom` set: the first manager's leg carries the call) are never written.
 * The order only decides which reason is reported when several apply.
 */
export function skipReason(facts: Pick<CallFacts, 'internal' | 'direction' | 'transferred'>): SkipReason | undefined {
  if (facts.internal) return 'internal';
  if (facts.direction === 'transit') return 'transit';
  if (facts.transferred) return 'transferred';
  return undefined;
}
