// FROZEN COPY for version 1 (workflows/legacy/): copied from decisions/entity-fields.ts at commit 41a79f2 (issue 16),
// when version 1 was frozen. Version-1 workflows still running replay on this code and act on what it
// decides, so it never changes, and it deliberately duplicates live code: do not "dedupe" it back
// onto decisions/entity-fields.ts (an edit there would change what version-1 calls do). See docs/upgrades.md.
import type { CallFacts, CrmFields } from '../../../../schemas/crm-plan';
import type { EntityKind } from '../../../../schemas/project-config';
import { customFieldValues, pipelineCategory, utmFields } from './call-params';
import { entityTitle, visitLines } from './call-text';
import type { DecisionProject } from './types';

/** Bitrix24's standard source for telephony: lets CRM reports group call leads together. */
export const CALL_SOURCE_ID = 'CALL';

/** Where the call came in, for SOURCE_DESCRIPTION: the number pool and the tracking line. */
export function sourceDescription(facts: CallFacts): string {
  const parts = [
    facts.source.poolName ? `pool "${facts.source.poolName}"` : undefined,
    facts.lineNumber ? `line ${facts.lineNumber}` : undefined,
  ].filter((part): part is string => part !== undefined);
  return parts.length > 0 ? `Ringostat: ${parts.join(', ')}` : 'Ringostat call';
}

/** COMMENTS of a new entity: the call in one line, then the visit data (M5). */
export function visitComments(facts: CallFacts): string {
  const line = facts.lineNumber ? ` on line ${facts.lineNumber}` : '';
  return [`Ringostat ${facts.direction} call from ${facts.clientNumber}${line}`, ...visitLines(facts)].join('\n');
}

/**
 * Fields of a new lead, deal or contact (S1.3, M5, S9, S10): phone in E.164, SOURCE_ID CALL,
 * UTM_*, the project's UF_CRM_* map for that kind, visit data in COMMENTS, owner. Deals have no
 * PHONE field in Bitrix24: their phone is the bound contact's.
 */
export function newEntityFields(kind: EntityKind, facts: CallFacts, project: DecisionProject, ownerId: number): CrmFields {
  const phone = [{ VALUE: facts.clientNumber, VALUE_TYPE: 'WORK' }];
  const specific: CrmFields =
    kind === 'lead' ? { TITLE: entityTitle(facts), PHONE: phone }
      : kind === 'deal' ? { TITLE: entityTitle(facts), CATEGORY_ID: pipelineCategory(facts, project.pipelines) }
        : { NAME: facts.clientNumber, PHONE: phone };
  return {
    ...specific,
    SOURCE_ID: CALL_SOURCE_ID,
    SOURCE_DESCRIPTION: sourceDescription(facts),
    ASSIGNED_BY_ID: ownerId,
    COMMENTS: visitComments(facts),
    ...utmFields(facts),
    ...customFieldValues(facts, project.customFields[kind]),
  };
}

/**
 * What may be added to an entity that already exists (S8): the UTM fields and the mapped custom
 * fields the call has. The executor writes only those that are empty on the entity.
 */
export function fillEmptyFields(kind: EntityKind, facts: CallFacts, project: DecisionProject): CrmFields {
  return { ...utmFields(facts), ...customFieldValues(facts, project.customFields[kind]) };
}
