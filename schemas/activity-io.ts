import { z } from 'zod';
import { callFactsSchema, clientStateSchema, crmBindingsSchema, taskPlanSchema } from './crm-plan';
import { resendCountsSchema, sealedSecretSchema, stepFailureSchema } from './workflow-io';

/**
 * What the version-2 workflows hand their activities and get back (workflows/contract/activities.ts).
 * `minVersion`: the credentials version the call last heard of (a resume signal); a worker whose
 * cached credentials are older asks the integration workflow again before calling Bitrix24.
 */
export const resolveClientInputSchema = z.object({
  projectId: z.string(),
  callId: z.string(),
  e164: z.string(),
  facts: callFactsSchema,
  stage: z.enum(['ringing', 'answered', 'ended']),
  minVersion: z.number().int().nonnegative(),
  /** Set by a call of the backlog's lane: its creation runs as a backlog activity (issue 15). */
  backlog: z.boolean().optional(),
  /**
   * Set by a call that had ended by its creation moment (issue 16): the activity also draws the
   * round robin when due and writes the call's tasks, and says so with `completed`.
   */
  andComplete: z.boolean().optional(),
  /**
   * Set by a client-creation shard on its local try (issue 16): the creation declines
   * (LocalTryDeclined) rather than wait for the portal's rate limit, and the shard runs it as an
   * activity instead — a local activity waiting there holds the shard's workflow task, and with
   * it every other creation the shard is sent.
   */
  quickTry: z.literal(true).optional(),
});

export const completeCallInputSchema = z.object({
  projectId: z.string(),
  callId: z.string(),
  e164: z.string(),
  tasks: z.array(taskPlanSchema),
  minVersion: z.number().int().nonnegative(),
  /** The CRM ids the call produced or worked on and the client's responsible: the Smart Phone card (B9). */
  crm: crmBindingsSchema,
  responsibleUserId: z.number().optional(),
  clientName: z.string().optional(),
  /** Set by a live call's local try (issue 16): declines (LocalTryDeclined) rather than wait for the portal's rate limit. */
  quickTry: z.literal(true).optional(),
});

export const completedCallSchema = z.object({
  taskIds: z.record(z.string(), z.number()),
  failures: z.array(stepFailureSchema),
});

export const resolvedClientSchema = z.object({
  client: clientStateSchema,
  created: crmBindingsSchema,
  failures: z.array(stepFailureSchema),
  /** M, when the round robin was drawn for this call (S4.2): its tasks go to the same person. */
  missedAssigneeId: z.number().optional(),
  /** Owner of the entities this call created, when it created any. */
  createdOwnerId: z.number().optional(),
  /** The name of the client's contact, when it has one with a name (the Smart Phone card, B9). */
  clientName: z.string().optional(),
  /**
   * Present when the activity, asked `andComplete`, also drew and wrote the call's tasks (none,
   * when its records had none): the call has nothing left to write. Absent from a worker that
   * predates it, and from histories before it: then the call writes its tasks itself.
   */
  completed: completedCallSchema.optional(),
  /**
   * Present when the call may write its remaining tasks as a local activity if it runs
   * completeCall after this answer (issue 16: one activity and one workflow task less for every
   * call resolved at call.answered): said by this build's worker while no request of it waits for
   * the portal's rate limit. Absent from a worker that predates it, from histories before it, and
   * while the portal's limit binds: then completeCall is an activity, as it was — the answer,
   * recorded in the history, is what keeps a replay on the path the call took.
   */
  completeLocally: z.literal(true).optional(),
});

export const checkWebhookInputSchema = z.object({ projectId: z.string(), webhook: sealedSecretSchema });
export const webhookCheckedSchema = z.object({ portal: z.string(), activeUsers: z.number().int().nonnegative() });

export const releaseParkedInputSchema = z.object({
  projectId: z.string(),
  action: z.union([
    z.object({ resume: z.object({ credentialsVersion: z.number().int() }) }),
    z.object({ skip: z.object({ reason: z.string() }) }),
  ]),
});

export const resendInputSchema = z.object({
  projectId: z.string(),
  credentialsVersion: z.number().int(),
  /** When the reactivation's work began: call workflows started since may be the resend's own (absent from older workflows: the activity's start). */
  startedAt: z.string().optional(),
});
export const resendResultSchema = resendCountsSchema.extend({ since: z.string(), failures: z.array(z.string()) });

/**
 * A client-creation shard's local try of several numbers' creations at once (issue 16): one answer
 * an input, in their order — the client, or why the try failed (the shard then runs that creation
 * as an activity).
 */
export const triedCreationsSchema = z.array(z.union([
  z.object({ created: resolvedClientSchema }),
  z.object({ failed: z.string() }),
]));
export type TriedCreations = z.infer<typeof triedCreationsSchema>;
export type ResolveClientInput = z.infer<typeof resolveClientInputSchema>;
export type ResolvedClient = z.infer<typeof resolvedClientSchema>;
export type CompleteCallInput = z.infer<typeof completeCallInputSchema>;
export type CompletedCall = z.infer<typeof completedCallSchema>;
export type CheckWebhookInput = z.infer<typeof checkWebhookInputSchema>;
export type WebhookChecked = z.infer<typeof webhookCheckedSchema>;
export type ReleaseParkedInput = z.infer<typeof releaseParkedInputSchema>;
export type ResendInput = z.infer<typeof resendInputSchema>;
export type ResendResult = z.infer<typeof resendResultSchema>;
