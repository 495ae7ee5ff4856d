// FROZEN COPY for version 1 (workflows/legacy/): copied from decisions/client-state.ts at commit 41a79f2 (issue 16),
// when version 1 was frozen. Version-1 workflows still running replay on this code and act on what it
// decides, so it never changes, and it deliberately duplicates live code: do not "dedupe" it back
// onto decisions/client-state.ts (an edit there would change what version-1 calls do). See docs/upgrades.md.
import type { ClientState, CrmEntityRef, CrmLookup } from '../../../../schemas/crm-plan';
import type { EntityKind } from '../../../../schemas/project-config';
import { isoMillis } from './facts-from-events';

/** Open lead: status in progress (STATUS_SEMANTIC_ID P); converted (S) and junk (F) do not count. */
export function isOpenLead(lead: CrmEntityRef): boolean {
  return lead.semantic === 'P';
}

/** Open deal: not CLOSED and its stage in progress (STAGE_SEMANTIC_ID P). */
export function isOpenDeal(deal: CrmEntityRef): boolean {
  return deal.closed !== true && deal.semantic === 'P';
}

/** The most recently created entity; equal times fall back to the higher id (created later). */
export function newest(entities: readonly CrmEntityRef[]): CrmEntityRef | undefined {
  let best: CrmEntityRef | undefined;
  for (const entity of entities) {
    if (!best) { best = entity; continue; }
    const diff = isoMillis(entity.createdAt) - isoMillis(best.createdAt);
    if (diff > 0 || (diff === 0 && entity.id > best.id)) best = entity;
  }
  return best;
}

/**
 * Kinds in the order to try: routing.order without its `contact` entries, then any open kind
 * it leaves out — an open deal still makes the client Open even if routing never names deals.
 */
function openKindOrder(routingOrder: readonly EntityKind[]): Array<'lead' | 'deal'> {
  const order: Array<'lead' | 'deal'> = [];
  for (const kind of [...routingOrder, 'lead', 'deal'] as const) {
    if (kind !== 'contact' && !order.includes(kind)) order.push(kind);
  }
  return order;
}

/**
 * The client's state (docs/decisions.md Terms): Open when an open lead or deal exists — the client's
 * entity is the newest of the first kind in routing.order that has one —, else Contact (the
 * newest contact), else New.
 */
export function classifyClient(lookup: CrmLookup, routingOrder: readonly EntityKind[] = ['lead', 'deal', 'contact']): ClientState {
  const open = { lead: lookup.leads.filter(isOpenLead), deal: lookup.deals.filter(isOpenDeal) };
  for (const kind of openKindOrder(routingOrder)) {
    const entity = newest(open[kind]);
    if (!entity) continue;
    const state: ClientState = { kind: 'open', entity: { type: kind, id: entity.id, ownerId: entity.ownerId } };
    if (entity.contactId !== undefined) state.contactId = entity.contactId;
    return state;
  }
  const contact = newest(lookup.contacts);
  if (contact) return { kind: 'contact', contact: { id: contact.id, ownerId: contact.ownerId } };
  return { kind: 'new' };
}

/** The client's responsible: the owner of its open lead or deal, or of its contact (none for a new client). */
export function clientOwnerId(client: ClientState | undefined): number | undefined {
  if (client?.kind === 'open') return client.entity.ownerId;
  return client?.kind === 'contact' ? client.contact.ownerId : undefined;
}
