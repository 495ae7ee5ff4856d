import type { ClientState, CrmEntityRef, CrmLookup } from '../schemas/crm-plan';
import type { EntityKind } from '../schemas/project-config';
import { classifyClient } from './client-state';

/**
 * The B2 race rules of a call's client: a lookup may show what an earlier attempt of this same
 * call created (a retry after Bitrix24 errors, or after a worker died mid-creation). Those
 * entities are the call's own work, not the client it found, so the call decides as that
 * attempt did and completes it, never a second entity (R1).
 */

/** Whether the bridge made an entity for this call: its markers read back (activities/markers.ts markedForCall). */
export type IsOwn = (ref: CrmEntityRef) => boolean;

/**
 * The client state an earlier attempt of this call created its entities for, read back from the
 * CRM: a contact of ours means the client was new; a lead or deal of ours bound to someone else's
 * contact means the client was that contact (S3); one bound to nothing, new. Undefined: nothing of ours.
 */
export function stateBehindOwn(lookup: CrmLookup, isOwn: IsOwn): ClientState | undefined {
  const ownContact = lookup.contacts.find(isOwn);
  const ownEntity = lookup.leads.find(isOwn) ?? lookup.deals.find(isOwn);
  if (!ownContact && !ownEntity) return undefined;
  const boundTo = ownContact ? undefined : lookup.contacts.find((c) => c.id === ownEntity?.contactId && !isOwn(c));
  return boundTo ? { kind: 'contact', contact: { id: boundTo.id, ownerId: boundTo.ownerId } } : { kind: 'new' };
}

/** The lookup without this call's own entities: what the client had before the call touched it. */
export function withoutOwn(lookup: CrmLookup, isOwn: IsOwn): CrmLookup {
  return { leads: lookup.leads.filter((r) => !isOwn(r)), deals: lookup.deals.filter((r) => !isOwn(r)), contacts: lookup.contacts.filter((r) => !isOwn(r)) };
}

/**
 * The client state a call decides on (B2): a retry after this call created something goes on
 * from the state it created for, not from what appeared since; otherwise the state of what
 * others made (docs/decisions.md Terms).
 */
export function clientStateForCall(lookup: CrmLookup, isOwn: IsOwn, routingOrder: readonly EntityKind[]): ClientState {
  return stateBehindOwn(lookup, isOwn) ?? classifyClient(withoutOwn(lookup, isOwn), routingOrder);
}
