import type { Producer } from 'kafkajs';
import type { DeadLetterReason } from './decode-event';

export interface DeadLetterSource {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
}

/** The DLQ record of docs/contracts.md §1; `valueEncoding` says how `value` holds the original bytes. */
export function deadLetterRecord(source: DeadLetterSource, reason: DeadLetterReason, detail: string, now = new Date()) {
  const bytes = source.value ?? Buffer.alloc(0);
  const utf8 = bytes.toString('utf8');
  const isUtf8 = Buffer.from(utf8, 'utf8').equals(bytes);
  return {
    reason,
    detail,
    topic: source.topic,
    partition: source.partition,
    offset: source.offset,
    key: source.key?.toString('utf8') ?? null,
    value: isUtf8 ? utf8 : bytes.toString('base64'),
    valueEncoding: isUtf8 ? 'utf8' : 'base64',
    receivedAt: now.toISOString(),
  };
}

export async function publishDeadLetter(producer: Producer, dlqTopic: string, source: DeadLetterSource, reason: DeadLetterReason, detail: string) {
  const record = deadLetterRecord(source, reason, detail);
  await producer.send({ topic: dlqTopic, messages: [{ key: source.key, value: JSON.stringify(record) }] });
}

/**
 * The project a dead letter belongs to, for its metric label (M1): the event's `projectId` when
 * the bytes are JSON naming a configured project, else "unknown" (never free text from Kafka).
 */
export function deadLetterProject(value: Buffer | null, knownProjects: ReadonlySet<string>, maxBytes: number): string {
  if (!value || value.length === 0 || value.length > maxBytes) return 'unknown';
  try {
    const projectId = (JSON.parse(value.toString('utf8')) as { projectId?: unknown } | null)?.projectId;
    return typeof projectId === 'string' && knownProjects.has(projectId) ? projectId : 'unknown';
  } catch {
    return 'unknown';
  }
}
