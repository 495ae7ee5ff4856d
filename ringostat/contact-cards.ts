import { parseWebhookUrl } from '../bitrix/webhook-url';
import type { ContactCardMessage, SmartPhoneContact } from '../schemas/contact-card';
import type { ProjectConfig } from '../schemas/project-config';

/**
 * Cards → Ringostat's contact-book entries (research A4). Pure: the sync consumer batches,
 * this decides what one entry says.
 */

/** Shown in Smart Phone as where the contact comes from. */
export const CARD_ORIGIN = 'Bitrix24';

/**
 * Scheme + portal host (+ an on-premise path prefix) of the project's Bitrix24, for links.
 * Taken from the webhook URL without its `/rest/{user}/{secret}/` part: the secret never leaves.
 */
export function portalBaseUrl(project: Pick<ProjectConfig, 'bitrix24'>): string | undefined {
  try {
    return parseWebhookUrl(project.bitrix24.webhookUrl).baseUrl;
  } catch {
    return undefined;
  }
}

export function crmLink(base: string | undefined, entity: 'contact' | 'lead' | 'deal', id: number | undefined): string | null {
  return base && id ? `${base}/crm/${entity}/details/${id}/` : null;
}

/**
 * One entry per client: `externalId` is the client's E.164 number, so whichever entity the
 * client has now (a lead today, a contact and deal tomorrow) updates the same book entry.
 * `responsible` is the Bitrix24 user id; `staffId` the Ringostat employee code it maps to.
 */
export function contactOf(card: ContactCardMessage, project: ProjectConfig, base: string | undefined): SmartPhoneContact {
  const employee = project.employees.find((e) => e.bitrix24UserId === card.responsibleUserId);
  return {
    projectId: Number(project.ringostat?.projectId),
    fullName: card.clientName?.trim() || card.clientE164,
    origin: CARD_ORIGIN,
    externalId: card.clientE164,
    leadId: card.leadId ? String(card.leadId) : null,
    responsible: String(card.responsibleUserId ?? 0),
    staffId: employee?.code ?? null,
    contactLink: crmLink(base, 'contact', card.contactId),
    leadLink: crmLink(base, 'lead', card.leadId),
    dealLink: crmLink(base, 'deal', card.dealId),
    googleClientId: null,
    contactDirections: [{ type: 'phone', name: 'work', value: card.clientE164 }],
    organizations: [],
  };
}

/** The newest card per client (by publish time, then by arrival): older ones say nothing new. */
export function latestPerClient(cards: readonly ContactCardMessage[]): ContactCardMessage[] {
  const latest = new Map<string, ContactCardMessage>();
  for (const card of cards) {
    const key = `${card.projectId}:${card.clientE164}`;
    const seen = latest.get(key);
    if (!seen || seen.publishedAt <= card.publishedAt) latest.set(key, card);
  }
  return [...latest.values()];
}
