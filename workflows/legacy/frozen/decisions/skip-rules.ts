// FROZEN COPY for version 1 (workflows/legacy/): copied from decisions/skip-rules.ts at commit 41a79f2 (issue 16),
// when version 1 was frozen. Version-1 workflows still running replay on this code and act on what it
// decides, so it never changes, and it deliberately duplicates live code: do not "dedupe" it back
// onto decisions/skip-rules.ts (an edit there would change what version-1 calls do). See docs/upgrades.md.
import type { CallFacts } from '../../../../schemas/crm-plan';

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
