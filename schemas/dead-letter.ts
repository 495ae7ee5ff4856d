import { z } from 'zod';

/**
 * A record of the dead-letter topic `<topic>.dlq` (docs/contracts.md §1, R2): why an event could not
 * be processed, where it came from, and its original bytes. `reason` is open-ended so that a
 * CLI older than the dispatcher still lists and redrives letters of a reason it does not know.
 */
export const deadLetterRecordSchema = z.object({
  reason: z.string(),
  detail: z.string(),
  topic: z.string(),
  partition: z.number().int(),
  offset: z.string(),
  key: z.string().nullable(),
  value: z.string(),
  /** How `value` holds the original bytes: as text when they were UTF-8, else base64. */
  valueEncoding: z.enum(['utf8', 'base64']).default('utf8'),
  receivedAt: z.string(),
});

export type DeadLetterRecord = z.infer<typeof deadLetterRecordSchema>;
