import type { ResolvedClient } from '../schemas/activity-io';
import type { ClientState, CrmLookup } from '../schemas/crm-plan';
import { clientOwnerId } from './client-state';

/** What the caller's card in Ringostat Smart Phone says about the client (B9), decided from the call's CRM work. */

/** The name of the contact behind the client (its contact, or the one its open lead or deal is bound to). */
export function clientNameOf(lookup: CrmLookup, state: ClientState): { clientName?: string } {
  const contactId = state.kind === 'contact' ? state.contact.id : state.kind === 'open' ? state.contactId : undefined;
  const name = lookup.contacts.find((c) => c.id === contactId)?.name;
  return name ? { clientName: name } : {};
}

/**
 * The card's responsible employee: the owner of what the call created, when it created
 * something (its manager works the new lead now), else the client's responsible R.
 */
export function cardResponsible(resolved: Pick<ResolvedClient, 'client' | 'createdOwnerId'> | undefined): number | undefined {
  return resolved?.createdOwnerId ?? clientOwnerId(resolved?.client);
}
