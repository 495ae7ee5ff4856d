// FROZEN COPY for version 1 (workflows/legacy/): copied from decisions/call-params.ts at commit 41a79f2 (issue 16),
// when version 1 was frozen. Version-1 workflows still running replay on this code and act on what it
// decides, so it never changes, and it deliberately duplicates live code: do not "dedupe" it back
// onto decisions/call-params.ts (an edit there would change what version-1 calls do). See docs/upgrades.md.
import type { CallSource } from '../../../../schemas/call-event';
import type { CallFacts, CrmFields } from '../../../../schemas/crm-plan';
import type { PipelineRule } from '../../../../schemas/project-config';

/** The `source` fields of an event (docs/contracts.md §1); kept here so decisions/ needs no zod at run time. */
export const sourceFields = [
  'utmSource', 'utmMedium', 'utmCampaign', 'utmContent', 'utmTerm',
  'gclid', 'gaClientId', 'poolName', 'landingPage', 'referrer',
] as const satisfies ReadonlyArray<keyof CallSource>;

/** Standard Bitrix24 UTM fields (M5), fed from the call's source. */
export const utmFieldMap = {
  UTM_SOURCE: 'utmSource',
  UTM_MEDIUM: 'utmMedium',
  UTM_CAMPAIGN: 'utmCampaign',
  UTM_CONTENT: 'utmContent',
  UTM_TERM: 'utmTerm',
} as const satisfies Record<string, keyof CallSource>;

function isSourceField(param: string): param is keyof CallSource {
  return (sourceFields as readonly string[]).includes(param);
}

/**
 * The value of a Ringostat parameter for custom-field maps (S9) and pipeline rules (S10):
 * a source field, `lineNumber`, `direction`, or any key of `extra`. Empty strings count as absent.
 */
export function paramValue(facts: CallFacts, param: string): string | undefined {
  let value: string | undefined;
  if (isSourceField(param)) value = facts.source[param];
  else if (param === 'lineNumber') value = facts.lineNumber;
  else if (param === 'direction') value = facts.direction;
  else value = Object.prototype.hasOwnProperty.call(facts.extra, param) ? facts.extra[param] : undefined;
  return value === '' ? undefined : value;
}

/** UTM_* values the call has (M5); absent ones are left out so nothing is blanked. */
export function utmFields(facts: CallFacts): CrmFields {
  const fields: CrmFields = {};
  for (const [field, param] of Object.entries(utmFieldMap)) {
    const value = facts.source[param];
    if (value) fields[field] = value;
  }
  return fields;
}

/** UF_CRM_* values per a `customFields` map (S9): parameter → field, for the parameters the call has. */
export function customFieldValues(facts: CallFacts, map: Readonly<Record<string, string>>): CrmFields {
  const fields: CrmFields = {};
  for (const [param, field] of Object.entries(map)) {
    const value = paramValue(facts, param);
    if (value !== undefined) fields[field] = value;
  }
  return fields;
}

/** S10: the category of the first rule whose parameter equals its value; the default pipeline 0 otherwise. */
export function pipelineCategory(facts: CallFacts, rules: readonly PipelineRule[]): number {
  return rules.find((rule) => paramValue(facts, rule.param) === rule.equals)?.categoryId ?? 0;
}
