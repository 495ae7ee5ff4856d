import { z } from 'zod';

/**
 * B9: the client's CRM card for Ringostat Smart Phone. The call's last activity hands it to
 * `cards.publish()` (ringostat/contact-card-publisher.ts), which puts it on Kafka; the card
 * sync (ringostat/contact-card-sync.ts) sends it to Ringostat's contact book.
 */
export const contactCardInputSchema = z.object({
  projectId: z.string().min(1).max(64),
  callId: z.string().min(1).max(128),
  /** The client's number in E.164: one card per number (the Kafka key and the contact's externalId). */
  clientE164: z.string().regex(/^\+\d{6,15}$/, 'must be an E.164 number like +380501234567'),
  leadId: z.number().int().positive().optional(),
  dealId: z.number().int().positive().optional(),
  contactId: z.number().int().positive().optional(),
  /** Bitrix24 user id of the client's responsible; mapped to the employee of the project's config. */
  responsibleUserId: z.number().int().positive().optional(),
  clientName: z.string().max(255).optional(),
});

/** What travels on the contact-cards topic: the input plus when it was published (the newest wins). */
export const contactCardMessageSchema = contactCardInputSchema.extend({
  publishedAt: z.iso.datetime({ offset: true }),
});

/** One contact of `POST /minicrm/contacts/sync` (research A4); nulls as Ringostat's example sends them. */
export const smartPhoneContactSchema = z.object({
  projectId: z.number().int(),
  fullName: z.string(),
  origin: z.string(),
  externalId: z.string().min(1),
  leadId: z.string().nullable(),
  responsible: z.string(),
  staffId: z.string().nullable(),
  contactLink: z.string().nullable(),
  leadLink: z.string().nullable(),
  dealLink: z.string().nullable(),
  googleClientId: z.string().nullable(),
  contactDirections: z.array(z.object({ type: z.literal('phone'), name: z.string(), value: z.string() })).min(1),
  organizations: z.array(z.unknown()),
});

export const contactsSyncBodySchema = z.object({ contacts: z.array(smartPhoneContactSchema).min(1) });

export type ContactCardInput = z.infer<typeof contactCardInputSchema>;
export type ContactCardMessage = z.infer<typeof contactCardMessageSchema>;
export type SmartPhoneContact = z.infer<typeof smartPhoneContactSchema>;
export type ContactsSyncBody = z.infer<typeof contactsSyncBodySchema>;

/** Kafka key of a card: one client's cards stay in one partition, in order. */
export function contactCardKey(card: Pick<ContactCardInput, 'projectId' | 'clientE164'>): string {
  return `${card.projectId}:${card.clientE164}`;
}
