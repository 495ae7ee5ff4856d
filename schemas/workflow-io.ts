import { z } from 'zod';
import { callEventSchema } from './call-event';
import { crmBindingsSchema } from './crm-plan';
import type { ProjectConfig } from './project-config';

export const callPhases = ['ringing', 'answered', 'missed', 'voicemail', 'completed', 'parked'] as const;
export type CallPhase = (typeof callPhases)[number];

export const callWorkflowInputSchema = z.object({
  projectId: z.string(),
  callId: z.string(),
  /**
   * A call that never sends call.ended closes after this long without an event. Set by the
   * dispatchers of earlier releases and read by version 1; version 2 takes the worker's setting
   * (CallSettings.callIdleTimeoutMs) first.
   */
  idleTimeoutMs: z.number().int().positive().optional(),
});

/** What the dispatcher signals: the event plus its number in E.164 (normalised outside the workflow). */
export const callEventEnvelopeSchema = z.object({
  event: callEventSchema,
  clientE164: z.string(),
});


export const stepFailureSchema = z.object({ step: z.string(), type: z.string(), message: z.string() });

export const callResultSchema = z.object({
  projectId: z.string(),
  callId: z.string(),
  phase: z.enum(callPhases),
  outcome: z.string(),
  /** CRM ids the call produced or worked on (B3). */
  crm: crmBindingsSchema,
  createdLeadId: z.number().optional(),
  createdDealId: z.number().optional(),
  createdContactId: z.number().optional(),
  taskIds: z.record(z.string(), z.number()),
  failures: z.array(stepFailureSchema),
  eventsSeen: z.number(),
  /**
   * **(added, issue 16)** Set when the idle timeout closed the call (no event for this long, so
   * no call.ended): why it ended, beside what it wrote (docs/decisions.md "Calls that never ended").
   */
  closedIdleAfterMs: z.number().optional(),
});

/**
 * A secret (the webhook URL) encrypted with BRIDGE_SECRET_KEY (AES-256-GCM, R4, R7): what the
 * integration workflow keeps in its state and history. `keyId` names the key that encrypted it.
 */
export const sealedSecretSchema = z.object({
  keyId: z.string(),
  iv: z.string(),
  data: z.string(),
  tag: z.string(),
});

/** Counts of one resend (T3, T5): from Kafka, per call. */
export const resendCountsSchema = z.object({
  /** Events read so far, and the events in the window when the read started. */
  read: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
  calls: z.number().int().nonnegative(),
  resent: z.number().int().nonnegative(),
  alreadyDone: z.number().int().nonnegative(),
  /** Calls running since before the resend (e.g. parked ones): they have their events and are woken, not resent. Absent before it was counted. */
  inProgress: z.number().int().nonnegative().optional(),
  skipped: z.number().int().nonnegative(),
  /** Events that could not be delivered (named in `failures`). */
  failed: z.number().int().nonnegative(),
});

/** A resend after reactivation, in progress or finished. */
export const resendRunSchema = resendCountsSchema.extend({
  credentialsVersion: z.number().int().nonnegative(),
  /** Start of the window: the day before yesterday, 00:00 in the project's time zone. */
  since: z.string(),
  startedAt: z.string(),
  finishedAt: z.string().optional(),
  /** Parked calls woken (resend) or closed as skipped (--no-resend, T4). */
  parkedResumed: z.number().int().nonnegative(),
  parkedSkipped: z.number().int().nonnegative(),
  /** False for a reactivation with --no-resend: nothing is read from Kafka. */
  resend: z.boolean(),
  failures: z.array(z.string()),
  /** The workflow doing this reactivation's work (`reactivation:{projectId}:{version}`); its heartbeat holds the progress. Absent on runs of older bridges. */
  workflowId: z.string().optional(),
});

/** A reactivation accepted while another one's work still runs: it starts when that one ends. */
export const queuedReactivationSchema = z.object({ credentialsVersion: z.number().int().nonnegative(), resend: z.boolean() });

/** One round-robin draw (S4.2): its update id (`round-robin:{callId}`) and the position it got. */
export const roundRobinDrawSchema = z.object({ id: z.string(), position: z.number().int().nonnegative() });

/** One applied reactivate update: its id (no secret in it, docs/decisions.md) and what it answered. */
export const appliedChangeSchema = z.object({
  id: z.string(), credentialsVersion: z.number().int().nonnegative(), portal: z.string().optional(),
});

export const integrationStateSchema = z.object({
  projectId: z.string(),
  status: z.enum(['active', 'broken']),
  credentialsVersion: z.number().int().nonnegative(),
  brokenSince: z.string().optional(),
  brokenReason: z.string().optional(),
  lastErrors: z.array(z.object({ at: z.string(), type: z.string(), message: z.string() })),
  reactivations: z.number().int().nonnegative(),
  /** Next position of the missed-call round robin (S4.2). */
  roundRobin: z.number().int().nonnegative().optional(),
  /** The webhook in use (version `credentialsVersion`), encrypted (R4). Absent on state of old bridges. */
  webhook: sealedSecretSchema.optional(),
  /** The portal's host of that webhook: not secret, shown to operators and used for CRM links. */
  portal: z.string().optional(),
  /** The config file's webhook last seen at start (T6): a different one in the file is a reactivation. */
  configWebhook: sealedSecretSchema.optional(),
  /** The resend running now, if any, and the last one that finished (T5). */
  resend: resendRunSchema.optional(),
  lastResend: resendRunSchema.optional(),
  /** Reactivations waiting for the running one's work, carried across continue-as-new. */
  queued: z.array(queuedReactivationSchema).optional(),
  /**
   * The last round-robin draws by update id (S4.2), carried across continue-as-new: Temporal
   * deduplicates an update id within one run only, so a draw retried after a continue-as-new
   * finds its answer here instead of moving the rotation again. Bounded (integration-state.ts).
   */
  roundRobinDraws: z.array(roundRobinDrawSchema).optional(),
  /**
   * The last changes applied by the reactivate update (T2, T6), by update id, carried across
   * continue-as-new for the same reason: the same request retried later gets the same answer.
   */
  appliedChanges: z.array(appliedChangeSchema).optional(),
});

/** The reactivate update (T2 from the CLI, T6 from a changed config file at start). */
export const reactivateRequestSchema = z.object({
  webhook: sealedSecretSchema,
  /** Resend the last 3 days from Kafka (T3), or close parked calls as skipped (T4). */
  resend: z.boolean(),
  source: z.enum(['cli', 'config']),
  /**
   * For `config`: the config webhook the starting process saw in the state (its sealed data), so
   * that several processes starting at once apply one config change once.
   */
  replacesConfigWebhook: z.string().optional(),
  /**
   * The credentials version the request was made on top of (read from the state just before).
   * Another change applied meanwhile wins: this one is refused with that reason and changes
   * nothing. Absent (older CLIs): the version the integration was at when the update arrived.
   */
  basedOn: z.number().int().nonnegative().optional(),
});
export const reactivateReplySchema = z.object({
  outcome: z.enum(['accepted', 'already-applied']),
  credentialsVersion: z.number().int().nonnegative(),
  portal: z.string().optional(),
});

export type CallWorkflowInput = z.infer<typeof callWorkflowInputSchema>;

/** A client-creation shard's run (B2): how many creations it takes before it continues as new (CREATION_SHARD_ROTATE_AFTER). */
export const clientCreationShardInputSchema = z.object({ rotateAfter: z.number().int().positive().optional() });
export type ClientCreationShardInput = z.infer<typeof clientCreationShardInputSchema>;
export type CallEventEnvelope = z.infer<typeof callEventEnvelopeSchema>;
/** Project settings as workflows see them: everything but secrets (R4). */
export type ProjectSettings = Omit<ProjectConfig, 'bitrix24' | 'ingestToken' | 'ringostat'>;
export type StepFailure = z.infer<typeof stepFailureSchema>;
export type CallResult = z.infer<typeof callResultSchema>;
export type IntegrationState = z.infer<typeof integrationStateSchema>;
export type ReactivateRequest = z.infer<typeof reactivateRequestSchema>;
export type ReactivateReply = z.infer<typeof reactivateReplySchema>;
export type SealedSecret = z.infer<typeof sealedSecretSchema>;
export type ResendRun = z.infer<typeof resendRunSchema>;
export type ResendCounts = z.infer<typeof resendCountsSchema>;
export type QueuedReactivation = z.infer<typeof queuedReactivationSchema>;
export type RoundRobinDraw = z.infer<typeof roundRobinDrawSchema>;
export type AppliedChange = z.infer<typeof appliedChangeSchema>;
