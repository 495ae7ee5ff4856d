/**
 * Field tables of the legacy CRM entities (crm.lead.fields & co., trimmed to what a fresh cloud
 * portal returns from *.get). The table decides three things: which input fields are kept
 * (unknown ones are dropped silently, read-only ones ignored), how values are typed on the way
 * in and printed on the way out, and how list filters and sorting compare them.
 */

export type CrmEntity = 'lead' | 'contact' | 'deal';
export type FieldKind = 'int' | 'string' | 'char' | 'double' | 'datetime' | 'date' | 'multifield' | 'intList';

export interface FieldDef {
  kind: FieldKind;
  /** Ignored on add/update (computed by the portal). */
  readOnly?: boolean;
  /** Settable on add only (CATEGORY_ID). */
  immutable?: boolean;
  /** Writable on add when params.IMPORT = Y (DATE_CREATE, CREATED_BY_ID…). */
  importable?: boolean;
  /** Accepted on input, never printed by get/list (deal CONTACT_IDS). */
  hidden?: boolean;
}

type Flag = 'ro' | 'immutable' | 'import' | 'hidden';
type Spec = [FieldKind, string, ...Flag[]];

function table(specs: Spec[]): ReadonlyMap<string, FieldDef> {
  const map = new Map<string, FieldDef>();
  for (const [kind, names, ...flags] of specs) {
    for (const name of names.split(' ')) {
      map.set(name, {
        kind,
        readOnly: flags.includes('ro') || flags.includes('import') || undefined,
        immutable: flags.includes('immutable') || undefined,
        importable: flags.includes('import') || undefined,
        hidden: flags.includes('hidden') || undefined,
      });
    }
  }
  return map;
}

const ADDRESS = 'ADDRESS ADDRESS_2 ADDRESS_CITY ADDRESS_POSTAL_CODE ADDRESS_REGION ADDRESS_PROVINCE ADDRESS_COUNTRY ADDRESS_COUNTRY_CODE';
const UTM = 'UTM_SOURCE UTM_MEDIUM UTM_CAMPAIGN UTM_CONTENT UTM_TERM';
const MULTI = 'PHONE EMAIL WEB IM';

const LEAD = table([
  ['int', 'ID', 'ro'],
  ['string', 'TITLE HONORIFIC NAME SECOND_NAME LAST_NAME COMPANY_TITLE'],
  ['int', 'COMPANY_ID CONTACT_ID'],
  ['char', 'IS_RETURN_CUSTOMER', 'ro'],
  ['date', 'BIRTHDATE'],
  ['string', 'SOURCE_ID SOURCE_DESCRIPTION STATUS_ID STATUS_DESCRIPTION POST COMMENTS CURRENCY_ID'],
  ['double', 'OPPORTUNITY'],
  ['char', 'IS_MANUAL_OPPORTUNITY'],
  ['char', 'HAS_PHONE HAS_EMAIL HAS_IMOL', 'ro'],
  ['int', 'ASSIGNED_BY_ID'],
  ['int', 'CREATED_BY_ID MODIFY_BY_ID', 'import'],
  ['int', 'MOVED_BY_ID', 'ro'],
  ['datetime', 'DATE_CREATE DATE_MODIFY', 'import'],
  ['datetime', 'DATE_CLOSED', 'ro'],
  ['string', 'STATUS_SEMANTIC_ID', 'ro'],
  ['char', 'OPENED'],
  ['string', 'ORIGINATOR_ID ORIGIN_ID'],
  ['datetime', 'MOVED_TIME', 'ro'],
  ['string', ADDRESS],
  ['int', 'ADDRESS_LOC_ADDR_ID', 'ro'],
  ['string', UTM],
  ['int', 'LAST_ACTIVITY_BY', 'ro'],
  ['datetime', 'LAST_ACTIVITY_TIME', 'ro'],
  ['multifield', MULTI],
]);

const DEAL = table([
  ['int', 'ID', 'ro'],
  ['string', 'TITLE TYPE_ID STAGE_ID'],
  ['int', 'PROBABILITY'],
  ['string', 'CURRENCY_ID'],
  ['double', 'OPPORTUNITY'],
  ['char', 'IS_MANUAL_OPPORTUNITY'],
  ['double', 'TAX_VALUE'],
  ['int', 'LEAD_ID COMPANY_ID CONTACT_ID QUOTE_ID'],
  ['date', 'BEGINDATE CLOSEDATE'],
  ['int', 'ASSIGNED_BY_ID'],
  ['int', 'CREATED_BY_ID MODIFY_BY_ID', 'import'],
  ['datetime', 'DATE_CREATE DATE_MODIFY', 'import'],
  ['char', 'OPENED'],
  ['char', 'CLOSED', 'ro'],
  ['string', 'COMMENTS ADDITIONAL_INFO LOCATION_ID'],
  ['int', 'CATEGORY_ID', 'immutable'],
  ['string', 'STAGE_SEMANTIC_ID', 'ro'],
  ['char', 'IS_NEW IS_RECURRING IS_RETURN_CUSTOMER IS_REPEATED_APPROACH', 'ro'],
  ['string', 'SOURCE_ID SOURCE_DESCRIPTION ORIGINATOR_ID ORIGIN_ID'],
  ['int', 'MOVED_BY_ID', 'ro'],
  ['datetime', 'MOVED_TIME LAST_ACTIVITY_TIME', 'ro'],
  ['string', UTM],
  ['int', 'LAST_ACTIVITY_BY', 'ro'],
  ['intList', 'CONTACT_IDS', 'hidden'],
]);

const CONTACT = table([
  ['int', 'ID', 'ro'],
  ['string', 'HONORIFIC NAME SECOND_NAME LAST_NAME'],
  ['date', 'BIRTHDATE'],
  ['string', 'TYPE_ID SOURCE_ID SOURCE_DESCRIPTION POST'],
  ['string', ADDRESS],
  ['string', 'COMMENTS'],
  ['char', 'OPENED EXPORT'],
  ['char', 'HAS_PHONE HAS_EMAIL HAS_IMOL', 'ro'],
  ['int', 'ASSIGNED_BY_ID'],
  ['int', 'CREATED_BY_ID MODIFY_BY_ID', 'import'],
  ['datetime', 'DATE_CREATE DATE_MODIFY', 'import'],
  ['int', 'COMPANY_ID LEAD_ID'],
  ['string', 'ORIGINATOR_ID ORIGIN_ID ORIGIN_VERSION'],
  ['int', 'FACE_ID', 'ro'],
  ['string', UTM],
  ['int', 'LAST_ACTIVITY_BY', 'ro'],
  ['datetime', 'LAST_ACTIVITY_TIME', 'ro'],
  ['multifield', MULTI],
]);

const TABLES: Record<CrmEntity, ReadonlyMap<string, FieldDef>> = { lead: LEAD, deal: DEAL, contact: CONTACT };

export function fieldTable(entity: CrmEntity): ReadonlyMap<string, FieldDef> {
  return TABLES[entity];
}

/** User fields need no declaration here: any well-formed UF_CRM_* name is stored as given. */
export function isUserFieldName(name: string): boolean {
  return /^UF_CRM_[A-Z0-9_]{1,43}$/.test(name);
}

/** Kind of a field for filtering/sorting; UF fields compare as strings. */
export function fieldKind(entity: CrmEntity, name: string): FieldKind | undefined {
  return TABLES[entity].get(name)?.kind ?? (isUserFieldName(name) ? 'string' : undefined);
}

export const MULTIFIELD_TYPES = ['PHONE', 'EMAIL', 'WEB', 'IM'] as const;

/** Owner type names and ids (research §5, entity type ids), as the duplicate search prints them. */
export const ENTITY_NAMES: Record<CrmEntity, string> = { lead: 'LEAD', contact: 'CONTACT', deal: 'DEAL' };
