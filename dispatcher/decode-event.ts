import { normalizePhone } from '../platform/phone-number';
import { callEventSchema, callEventTypes } from '../schemas/call-event';
import type { BridgeConfig } from '../schemas/project-config';
import type { CallEventEnvelope } from '../schemas/workflow-io';

/** Larger values are not Ringostat events; they go to the dead-letter topic unparsed (R2). */
export const MAX_EVENT_BYTES = 256 * 1024;

export type DeadLetterReason = 'oversized' | 'not-json' | 'unknown-type' | 'invalid-schema' | 'unknown-project';
export type Decoded =
  | { ok: true; envelope: CallEventEnvelope }
  | { ok: false; reason: DeadLetterReason; detail: string };

/**
 * Bytes from Kafka → a validated event with its number in E.164, or the reason it cannot be
 * processed. Validation happens here, before Temporal: a bad payload inside a workflow would
 * fail its task over and over.
 */
export function decodeEvent(value: Buffer | null, config: BridgeConfig): Decoded {
  if (!value || value.length === 0) return { ok: false, reason: 'not-json', detail: 'empty message' };
  if (value.length > MAX_EVENT_BYTES) return { ok: false, reason: 'oversized', detail: `${value.length} bytes > ${MAX_EVENT_BYTES}` };
  let json: unknown;
  try {
    json = JSON.parse(value.toString('utf8'));
  } catch (err) {
    return { ok: false, reason: 'not-json', detail: (err as Error).message };
  }
  const type = (json as { type?: unknown } | null)?.type;
  if (typeof json === 'object' && json !== null && !callEventTypes.includes(type as never)) {
    return { ok: false, reason: 'unknown-type', detail: `type ${JSON.stringify(type)} is not one of ${callEventTypes.join(', ')}` };
  }
  const parsed = callEventSchema.safeParse(json);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    return { ok: false, reason: 'invalid-schema', detail };
  }
  const event = parsed.data;
  const project = config.projects.find((p) => p.id === event.projectId);
  if (!project) return { ok: false, reason: 'unknown-project', detail: `project "${event.projectId}" is not configured` };
  const clientE164 = normalizePhone(event.clientNumber, project.defaultCountry) ?? event.clientNumber.replace(/[^\d+]/g, '');
  return { ok: true, envelope: { event, clientE164 } };
}
