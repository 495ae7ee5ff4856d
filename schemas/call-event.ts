import { z } from 'zod';

/** Schema id carried by every event; bump only with a new major contract (docs/contracts.md §1). */
export const CALL_EVENT_SCHEMA = 'ringostat.call-event/v1';

export const callEventTypes = ['call.ringing', 'call.answered', 'call.ended'] as const;
export const directions = ['incoming', 'outgoing', 'callback', 'transit'] as const;
export const dispositions = ['answered', 'no_answer', 'busy', 'failed', 'voicemail'] as const;

export const employeeRefSchema = z.object({
  staffId: z.string().min(1).optional(),
  extension: z.string().min(1).optional(),
  sip: z.string().min(1).optional(),
  phone: z.string().min(1).optional(),
  name: z.string().optional(),
});

export const callSourceSchema = z.object({
  utmSource: z.string().optional(),
  utmMedium: z.string().optional(),
  utmCampaign: z.string().optional(),
  utmContent: z.string().optional(),
  utmTerm: z.string().optional(),
  gclid: z.string().optional(),
  gaClientId: z.string().optional(),
  poolName: z.string().optional(),
  landingPage: z.string().optional(),
  referrer: z.string().optional(),
});

const isoWithOffset = z.iso.datetime({ offset: true });

export const callEventSchema = z
  .looseObject({
    schema: z.literal(CALL_EVENT_SCHEMA),
    eventId: z.string().min(1).max(128),
    projectId: z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'only letters, digits, _ and -'),
    callId: z.string().min(1).max(128),
    type: z.enum(callEventTypes),
    occurredAt: isoWithOffset,
    direction: z.enum(directions),
    clientNumber: z.string().min(1).max(64),
    lineNumber: z.string().max(64).optional(),
    employee: employeeRefSchema.optional(),
    disposition: z.enum(dispositions).optional(),
    rawDisposition: z.string().optional(),
    waitSeconds: z.number().int().nonnegative().optional(),
    talkSeconds: z.number().int().nonnegative().optional(),
    recordingUrl: z.url().optional(),
    internal: z.boolean().optional(),
    transferredFrom: z.object({ extension: z.string().optional(), sip: z.string().optional() }).optional(),
    source: callSourceSchema.optional(),
    extra: z.record(z.string(), z.string()).optional(),
    raw: z.record(z.string(), z.unknown()).optional(),
    /** B7: published by the reconciler from Ringostat's call log, not by a webhook. */
    reconciled: z.boolean().optional(),
  })
  .superRefine((event, ctx) => {
    if (event.type === 'call.ended' && !event.disposition) {
      ctx.addIssue({ code: 'custom', path: ['disposition'], message: 'required on call.ended' });
    }
  });

export type CallEvent = z.infer<typeof callEventSchema>;
export type CallEventType = (typeof callEventTypes)[number];
export type Direction = (typeof directions)[number];
export type Disposition = (typeof dispositions)[number];
export type EmployeeRef = z.infer<typeof employeeRefSchema>;
export type CallSource = z.infer<typeof callSourceSchema>;

/** Kafka message key: all events of one call share a partition, in order. */
export function callEventKey(event: Pick<CallEvent, 'projectId' | 'callId'>): string {
  return `${event.projectId}:${event.callId}`;
}
