import type { CrmFields } from '../schemas/crm-plan';
import type { BitrixClient } from './client';

/**
 * Idempotent writes (M6, R1). An activity may be retried after Bitrix24 already executed the
 * add (a timeout, a crash before the result was recorded), so every entity we create carries
 * a marker — ORIGINATOR_ID (this product + project) and ORIGIN_ID (call + role) — and a
 * create first looks for it. Two creates with one marker must not run concurrently: a call's
 * creations run one at a time in its number's client-creation shard (B2), which this relies on.
 * The bridge never deletes what it created (a deleted lead has already notified its manager).
 */

export type CrmEntityKind = 'lead' | 'contact' | 'deal';

export interface OriginMarker {
  originatorId: string;
  originId: string;
}

/** Returns the id of the entity with this marker, creating it only if there is none. */
export async function createEntity(client: BitrixClient, kind: CrmEntityKind, fields: CrmFields, marker: OriginMarker): Promise<number> {
  const existing = await findByMarker(client, kind, marker);
  if (existing !== undefined) return existing;
  const toAdd: CrmFields = { ...fields, ORIGINATOR_ID: marker.originatorId, ORIGIN_ID: marker.originId };
  if (kind === 'deal') bindDealContact(toAdd);
  const id = Number(await client.call(`crm.${kind}.add`, { fields: toAdd }));
  if (!Number.isInteger(id) || id <= 0) throw new TypeError(`crm.${kind}.add returned no id`);
  return id;
}

export async function findByMarker(client: BitrixClient, kind: CrmEntityKind, marker: OriginMarker): Promise<number | undefined> {
  const rows = await client.call<Array<{ ID?: unknown }>>(`crm.${kind}.list`, {
    filter: { ORIGINATOR_ID: marker.originatorId, ORIGIN_ID: marker.originId },
    select: ['ID'],
    order: { ID: 'ASC' },
  });
  const id = Array.isArray(rows) && rows.length > 0 ? Number(rows[0]?.ID) : NaN;
  return Number.isInteger(id) && id > 0 ? id : undefined;
}

/**
 * A deal is bound to its contact by CONTACT_IDS; CONTACT_ID (deprecated, single) is sent too
 * so that older portals and `crm.deal.list` filters by CONTACT_ID see the binding.
 */
function bindDealContact(fields: CrmFields): void {
  const single = Number(fields.CONTACT_ID);
  const many = Array.isArray(fields.CONTACT_IDS) ? fields.CONTACT_IDS.map(Number).filter((n) => n > 0) : [];
  if (single > 0 && !many.includes(single)) many.unshift(single);
  if (many.length === 0) return;
  fields.CONTACT_IDS = many;
  fields.CONTACT_ID = many[0];
}

/**
 * S8: writes only the fields that are empty on the entity now; a value someone put there is
 * never overwritten. Returns the names of the fields it filled (empty: nothing was sent).
 */
export async function fillEmptyFields(client: BitrixClient, kind: CrmEntityKind, id: number, fields: CrmFields): Promise<string[]> {
  const wanted = Object.entries(fields).filter(([, value]) => !isEmpty(value));
  if (wanted.length === 0) return [];
  const current = await client.call<Record<string, unknown>>(`crm.${kind}.get`, { id });
  const toUpdate: CrmFields = {};
  for (const [name, value] of wanted) {
    if (isEmpty(current?.[name])) toUpdate[name] = value;
  }
  const names = Object.keys(toUpdate);
  if (names.length === 0) return [];
  await client.call(`crm.${kind}.update`, { id, fields: toUpdate });
  return names;
}

/** Empty as Bitrix24 returns it: null, "", an empty multifield list or object. */
export function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === 'object') return Object.keys(value).length === 0;
  return false;
}

/** One entity of a call's creation: its kind, fields and marker; `bindToContact` names the contact it is bound to. */
export interface PlannedEntity {
  kind: CrmEntityKind;
  fields: CrmFields;
  marker: OriginMarker;
  /** A contact created in the same step (by its kind) or an existing contact's id. */
  bindToContact?: 'contact' | number;
}

/**
 * A call's new contact and lead (or deal) in one step, each at most once (R1): one batch looks
 * their markers up, one batch adds the missing ones — the lead bound to the new contact by a
 * `$result[contact]` reference — so no other call ever finds the contact without its lead, and
 * a failure leaves both or neither (B2). Returns the ids by kind.
 */
export async function createEntitiesOnce(client: BitrixClient, planned: PlannedEntity[]): Promise<Partial<Record<CrmEntityKind, number>>> {
  if (planned.length === 0) return {};
  const found = await client.batch(Object.fromEntries(planned.map((p) => [p.kind, {
    method: `crm.${p.kind}.list`,
    params: { filter: { ORIGINATOR_ID: p.marker.originatorId, ORIGIN_ID: p.marker.originId }, select: ['ID'], order: { ID: 'ASC' } },
  }])));
  const firstError = Object.values(found.errors)[0];
  if (firstError) throw firstError;
  const ids: Partial<Record<CrmEntityKind, number>> = {};
  for (const p of planned) {
    const rows = found.results[p.kind];
    const id = Array.isArray(rows) && rows.length > 0 ? Number((rows[0] as { ID?: unknown }).ID) : NaN;
    if (Number.isInteger(id) && id > 0) ids[p.kind] = id;
  }

  const adds: Parameters<BitrixClient['batch']>[0] = {};
  for (const p of planned) {
    if (ids[p.kind] !== undefined) continue;
    const fields: CrmFields = { ...p.fields, ORIGINATOR_ID: p.marker.originatorId, ORIGIN_ID: p.marker.originId };
    if (p.bindToContact !== undefined) {
      const contact = p.bindToContact === 'contact' ? (ids.contact ?? '$result[contact]') : p.bindToContact;
      fields.CONTACT_ID = contact;
      // A deal is bound by CONTACT_IDS; CONTACT_ID (deprecated, single) too, for older portals and list filters.
      if (p.kind === 'deal') fields.CONTACT_IDS = [contact];
    }
    adds[p.kind] = { method: `crm.${p.kind}.add`, params: { fields } };
  }
  if (Object.keys(adds).length === 0) return ids;
  const added = await client.batch(adds, { halt: true });
  const addError = Object.values(added.errors)[0];
  if (addError) throw addError;
  for (const kind of Object.keys(adds) as CrmEntityKind[]) {
    const id = Number(added.results[kind]);
    if (!Number.isInteger(id) || id <= 0) throw new TypeError(`crm.${kind}.add returned no id`);
    ids[kind] = id;
  }
  return ids;
}
