import { z } from 'zod';
import { callEventSchema } from './call-event';
import { crmBindingsSchema } from './crm-plan';
import type { ProjectConfig } from './project-config';

export const TASK_QUEUE = 'ringostat-bridge';

export const callPhases = ['ringing', 'answered', 'missed', 'voicemail', 'completed', 'parked'] as const;
export type CallPhase = (typeof callPhases)[number];

export const callWorkflowInputSchema = z.object({
  projectId: z.string(),
  callId: z.string(),
  /** A call that never sends call.ended closes after this long without an event. */
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
});

export type CallWorkflowInput = z.infer<typeof callWorkflowInputSchema>;
export type CallEventEnvelope = z.infer<typeof callEventEnvelopeSchema>;
/** Project settings as workflows see them: everything but secrets (R4). */
export type ProjectSettings = Omit<ProjectConfig, 'bitrix24' | 'ingestToken'>;
export type StepFailure = z.infer<typeof stepFailureSchema>;
export type CallResult = z.infer<typeof callResultSchema>;
export type IntegrationState = z.infer<typeof integrationStateSchema>;

export function callWorkflowId(projectId: string, callId: string): string {
  return `call:${projectId}:${callId}`;
}
export function integrationWorkflowId(projectId: string): string {
  return `integration:${projectId}`;
}
export function clientLockWorkflowId(projectId: string, e164: string): string {
  return `client:${projectId}:${e164}`;
}
