import { z } from 'zod';
import { callSourceSchema, directions, dispositions, employeeRefSchema } from './call-event';

/**
 * What a call workflow knows about its call, folded from its events. The decision table
 * (decisions/) reads only this, the client's state and the project config: it is pure.
 */
export const callFactsSchema = z.object({
  projectId: z.string(),
  callId: z.string(),
  direction: z.enum(directions),
  /** Absent while the call is in progress (ringing / answered, not ended yet). */
  disposition: z.enum(dispositions).optional(),
  rawDisposition: z.string().optional(),
  /** E.164 when it could be normalised, else the digits Ringostat gave. */
  clientNumber: z.string(),
  lineNumber: z.string().optional(),
  employee: employeeRefSchema.optional(),
  internal: z.boolean(),
  transferred: z.boolean(),
  waitSeconds: z.number().optional(),
  talkSeconds: z.number().optional(),
  recordingUrl: z.string().optional(),
  source: callSourceSchema,
  extra: z.record(z.string(), z.string()),
  /** ISO time of the call's first event (ringing, or the only event). */
  startedAt: z.string(),
  /** ISO time of call.ended, when it came. */
  endedAt: z.string().optional(),
});

/** One CRM entity as the lookup returns it, before the open/closed judgement. */
export const crmEntityRefSchema = z.object({
  id: z.number().int().positive(),
  ownerId: z.number().int().positive(),
  createdAt: z.string(),
  /** Lead: STATUS_SEMANTIC_ID; deal: STAGE_SEMANTIC_ID (P open, S success, F failure). */
  semantic: z.enum(['P', 'S', 'F']).optional(),
  /** Deal: CLOSED flag. */
  closed: z.boolean().optional(),
  contactId: z.number().int().positive().optional(),
  /** A contact's NAME and LAST_NAME, when it has them (the Smart Phone card, B9). */
  name: z.string().optional(),
  /** ORIGINATOR_ID / ORIGIN_ID when set: the bridge's marker on what it created (R1, B2). */
  origin: z.object({ originatorId: z.string(), originId: z.string() }).optional(),
});

/** Everything Bitrix24 holds for a number (leads, deals via its contacts, contacts). */
export const crmLookupSchema = z.object({
  leads: z.array(crmEntityRefSchema),
  deals: z.array(crmEntityRefSchema),
  contacts: z.array(crmEntityRefSchema),
});

export const clientStateSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('new') }),
  z.object({
    kind: z.literal('open'),
    entity: z.object({ type: z.enum(['lead', 'deal']), id: z.number(), ownerId: z.number() }),
    /** The contact behind the open entity, when there is one. */
    contactId: z.number().optional(),
  }),
  z.object({ kind: z.literal('contact'), contact: z.object({ id: z.number(), ownerId: z.number() }) }),
]);

/** Bitrix24 field values for a new or updated entity (TITLE, PHONE, SOURCE_ID, UTM_*, UF_CRM_*…). */
export const crmFieldsSchema = z.record(z.string(), z.unknown());

/** The new entities a call creates: a contact first, then a lead or deal bound to it (or to the client's contact). */
export const newEntitiesPlanSchema = z.object({
  ownerId: z.number(),
  contact: z.object({ fields: crmFieldsSchema }).optional(),
  lead: z.object({ fields: crmFieldsSchema }).optional(),
  deal: z.object({ fields: crmFieldsSchema, categoryId: z.number() }).optional(),
  /** An existing contact (client state Contact) the new lead/deal is bound to. */
  bindToContactId: z.number().optional(),
});

/** Fill empty fields of an entity someone else created (S8): never overwrite a value. */
export const fillEmptyPlanSchema = z.object({
  entity: z.object({ type: z.enum(['lead', 'deal', 'contact']), id: z.number() }),
  fields: crmFieldsSchema,
});

/** The CRM ids a call produced or works on; tasks bind to them (UF_CRM_TASK L_/D_/C_). */
export const crmBindingsSchema = z.object({
  leadId: z.number().optional(),
  dealId: z.number().optional(),
  contactId: z.number().optional(),
});

export const taskPlanSchema = z.object({
  /** Unique within the call: the exactly-once marker is `{callId}:{key}`. */
  key: z.enum(['call-record', 'review', 'settings', 'call-back', 'contact-owner']),
  responsibleId: z.number(),
  status: z.enum(['completed', 'open']),
  title: z.string(),
  description: z.string(),
  /** ISO date-time with offset. */
  deadline: z.string().optional(),
  bindings: crmBindingsSchema,
});

export const entityPlanSchema = z.object({
  /** Why nothing is written, when the call is skipped (S7) or is an outgoing call to a new number (S5.2). */
  skip: z.enum(['internal', 'transit', 'transferred', 'outgoing-new']).optional(),
  create: newEntitiesPlanSchema.optional(),
  fillEmpty: z.array(fillEmptyPlanSchema).default([]),
});

export const recordsPlanSchema = z.object({
  tasks: z.array(taskPlanSchema),
  /** CallOutcome search attribute, e.g. lead-created, task-on-existing, skipped-internal. */
  outcome: z.string(),
});

export type CallFacts = z.infer<typeof callFactsSchema>;
export type CrmEntityRef = z.infer<typeof crmEntityRefSchema>;
export type CrmLookup = z.infer<typeof crmLookupSchema>;
export type ClientState = z.infer<typeof clientStateSchema>;
export type CrmFields = z.infer<typeof crmFieldsSchema>;
export type NewEntitiesPlan = z.infer<typeof newEntitiesPlanSchema>;
export type FillEmptyPlan = z.infer<typeof fillEmptyPlanSchema>;
export type CrmBindings = z.infer<typeof crmBindingsSchema>;
export type TaskPlan = z.infer<typeof taskPlanSchema>;
export type EntityPlan = z.infer<typeof entityPlanSchema>;
export type RecordsPlan = z.infer<typeof recordsPlanSchema>;
