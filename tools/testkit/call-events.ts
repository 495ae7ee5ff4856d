import { randomUUID } from 'node:crypto';
import { CALL_EVENT_SCHEMA, type CallEvent, type Disposition, type EmployeeRef } from '../../schemas/call-event';

export interface CallSpec {
  projectId: string;
  callId?: string;
  direction?: CallEvent['direction'];
  clientNumber?: string;
  lineNumber?: string;
  /** Who answered (incoming) or dialled (outgoing); absent for a missed call. */
  employee?: EmployeeRef;
  disposition?: Disposition;
  talkSeconds?: number;
  recordingUrl?: string;
  source?: CallEvent['source'];
  extra?: Record<string, string>;
  internal?: boolean;
  transferredFrom?: CallEvent['transferredFrom'];
  /** Time of the ringing event; later events follow by seconds. */
  at?: Date;
}

/** The events Ringostat would send for one call: ringing, answered (when answered), ended. */
export function callEvents(spec: CallSpec): CallEvent[] {
  const callId = spec.callId ?? `call-${randomUUID()}`;
  const at = spec.at ?? new Date();
  const disposition = spec.disposition ?? (spec.employee ? 'answered' : 'no_answer');
  const base = {
    schema: CALL_EVENT_SCHEMA, projectId: spec.projectId, callId,
    direction: spec.direction ?? 'incoming', clientNumber: spec.clientNumber ?? '+380981234567',
    ...(spec.lineNumber ? { lineNumber: spec.lineNumber } : {}),
    ...(spec.source ? { source: spec.source } : {}),
    ...(spec.extra ? { extra: spec.extra } : {}),
    ...(spec.internal ? { internal: true } : {}),
    ...(spec.transferredFrom ? { transferredFrom: spec.transferredFrom } : {}),
  } as const;
  const time = (seconds: number) => new Date(at.getTime() + seconds * 1000).toISOString();
  const events: CallEvent[] = [{ ...base, eventId: `${callId}-ringing`, type: 'call.ringing', occurredAt: time(0) }];
  if (disposition === 'answered') {
    events.push({ ...base, eventId: `${callId}-answered`, type: 'call.answered', occurredAt: time(5), employee: spec.employee });
  }
  events.push({
    ...base, eventId: `${callId}-ended`, type: 'call.ended', occurredAt: time(5 + (spec.talkSeconds ?? 60)),
    disposition, waitSeconds: 5,
    ...(disposition === 'answered' ? { talkSeconds: spec.talkSeconds ?? 60, employee: spec.employee } : {}),
    ...(spec.recordingUrl ?? (disposition === 'answered' || disposition === 'voicemail')
      ? { recordingUrl: spec.recordingUrl ?? `https://records.example/${callId}.mp3` } : {}),
  });
  return events;
}
