import type { CrmEntityRef, CrmLookup } from '../schemas/crm-plan';
import type { BitrixClient } from './client';
import { phoneSearchVariants } from './phone';

/**
 * Everything Bitrix24 holds for a phone number (docs/decisions.md "What the CRM holds"): its
 * leads, its contacts, and the deals of those contacts — in two batch requests.
 */

// ORIGINATOR_ID / ORIGIN_ID: the bridge's own marker, so a call recognises what it created itself.
const MARKER = ['ORIGINATOR_ID', 'ORIGIN_ID'];
const LEAD_SELECT = ['ID', 'ASSIGNED_BY_ID', 'CREATED_BY_ID', 'STATUS_SEMANTIC_ID', 'DATE_CREATE', 'CONTACT_ID', ...MARKER];
const CONTACT_SELECT = ['ID', 'ASSIGNED_BY_ID', 'CREATED_BY_ID', 'DATE_CREATE', 'NAME', 'LAST_NAME', ...MARKER];
const DEAL_SELECT = ['ID', 'ASSIGNED_BY_ID', 'CREATED_BY_ID', 'STAGE_SEMANTIC_ID', 'CLOSED', 'DATE_CREATE', 'CONTACT_ID', ...MARKER];

type Row = Record<string, unknown>;

export async function lookupByPhone(client: BitrixClient, e164: string, defaultCountry: string): Promise<CrmLookup> {
  const values = phoneSearchVariants(e164, defaultCountry);
  if (values.length === 0) return { leads: [], deals: [], contacts: [] };

  // One search per entity type: each value's search stops at 20 hits ordered LEAD, CONTACT,
  // COMPANY, so 20 old leads would otherwise hide the contact (research §5.6).
  const found = await client.batch({
    leads: { method: 'crm.duplicate.findbycomm', params: { type: 'PHONE', values, entity_type: 'LEAD' } },
    contacts: { method: 'crm.duplicate.findbycomm', params: { type: 'PHONE', values, entity_type: 'CONTACT' } },
  });
  throwFirst(found.errors);
  const leadIds = idsOf(found.results.leads, 'LEAD');
  const contactIds = idsOf(found.results.contacts, 'CONTACT');
  if (leadIds.length === 0 && contactIds.length === 0) return { leads: [], deals: [], contacts: [] };

  // An empty "@ID" list would be dropped by the query encoding and match everything: only ask for what exists.
  const cmds: Parameters<BitrixClient['batch']>[0] = {};
  if (leadIds.length) cmds.leads = { method: 'crm.lead.list', params: { filter: { '@ID': leadIds }, select: LEAD_SELECT, order: { ID: 'ASC' } } };
  if (contactIds.length) {
    cmds.contacts = { method: 'crm.contact.list', params: { filter: { '@ID': contactIds }, select: CONTACT_SELECT, order: { ID: 'ASC' } } };
    cmds.deals = { method: 'crm.deal.list', params: { filter: { '@CONTACT_ID': contactIds }, select: DEAL_SELECT, order: { ID: 'ASC' } } };
  }
  const rows = await client.batch(cmds);
  throwFirst(rows.errors);

  const leads = await allRows(client, cmds.leads, rows.results.leads, rows.nexts.leads);
  const contacts = await allRows(client, cmds.contacts, rows.results.contacts, rows.nexts.contacts);
  const deals = await allRows(client, cmds.deals, rows.results.deals, rows.nexts.deals);
  return {
    leads: leads.map((r) => toRef(r, { semantic: r.STATUS_SEMANTIC_ID })),
    contacts: contacts.map((r) => toRef(r, {})),
    deals: deals.map((r) => toRef(r, { semantic: r.STAGE_SEMANTIC_ID, closed: r.CLOSED })),
  };
}

/** `{"LEAD":[1,2]}` or `[]` (nothing found) → ids. */
function idsOf(result: unknown, key: string): number[] {
  if (!result || typeof result !== 'object' || Array.isArray(result)) return [];
  const list = (result as Record<string, unknown>)[key];
  if (!Array.isArray(list)) return [];
  return [...new Set(list.map(Number).filter((n) => Number.isInteger(n) && n > 0))];
}

/** The first page came with the batch; a client with more than 50 deals needs the rest. */
async function allRows(client: BitrixClient, cmd: { method: string; params?: Record<string, unknown> } | undefined, first: unknown, next: number | undefined): Promise<Row[]> {
  if (!cmd) return [];
  const page = Array.isArray(first) ? (first as Row[]) : [];
  if (next === undefined) return page;
  return client.listAll<Row>(cmd.method, cmd.params ?? {});
}

function toRef(row: Row, extra: { semantic?: unknown; closed?: unknown }): CrmEntityRef {
  const ref: CrmEntityRef = {
    id: Number(row.ID),
    // Bitrix24 always sets a responsible; fall back to the creator for rows imported without one.
    ownerId: Number(row.ASSIGNED_BY_ID) || Number(row.CREATED_BY_ID) || 0,
    createdAt: typeof row.DATE_CREATE === 'string' ? row.DATE_CREATE : '',
  };
  if (extra.semantic === 'P' || extra.semantic === 'S' || extra.semantic === 'F') ref.semantic = extra.semantic;
  if (extra.closed !== undefined && extra.closed !== null) ref.closed = extra.closed === 'Y' || extra.closed === true;
  const contactId = Number(row.CONTACT_ID);
  if (Number.isInteger(contactId) && contactId > 0) ref.contactId = contactId;
  const name = [row.NAME, row.LAST_NAME].filter((part) => typeof part === 'string' && part.trim() !== '').join(' ');
  if (name) ref.name = name;
  if (typeof row.ORIGINATOR_ID === 'string' && row.ORIGINATOR_ID && typeof row.ORIGIN_ID === 'string' && row.ORIGIN_ID) {
    ref.origin = { originatorId: row.ORIGINATOR_ID, originId: row.ORIGIN_ID };
  }
  return ref;
}

/** A lookup that cannot see everything must not decide: its first error fails the step. */
export function throwFirst(errors: Record<string, Error>): void {
  const first = Object.values(errors)[0];
  if (first) throw first;
}
