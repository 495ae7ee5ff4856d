import type { Command } from 'commander';
import type { Kafka } from 'kafkajs';
import { readTopicSince } from '../../dispatcher/event-window-reader';
import { deadLetterRecordSchema, type DeadLetterRecord } from '../../schemas/dead-letter';
import { CliError, type CliContext } from '../context';
import { positiveInteger } from '../option-parsers';
import { printResult } from '../output';
import { parseSince } from '../since-date';

/** A dead letter with its own place in the DLQ, so an operator can point at one. */
type StoredDeadLetter = DeadLetterRecord & { dlqPartition: number; dlqOffset: string };

const REDRIVE_BATCH = 500;

/**
 * Every dead letter the DLQ holds now, oldest first per partition. A record that is not a dead
 * letter (someone else wrote to the topic) is counted, not fatal.
 */
async function readDeadLetters(kafka: Kafka, dlqTopic: string, onLetter: (letter: StoredDeadLetter) => void): Promise<{ unreadable: number }> {
  let unreadable = 0;
  await readTopicSince({
    kafka, topic: dlqTopic, since: new Date(0),
    onMessage: async (message, partition) => {
      let parsed;
      try {
        parsed = deadLetterRecordSchema.safeParse(JSON.parse(message.value?.toString('utf8') ?? ''));
      } catch {
        parsed = undefined;
      }
      if (parsed?.success) onLetter({ ...parsed.data, dlqPartition: partition, dlqOffset: message.offset });
      else unreadable += 1;
    },
  });
  return { unreadable };
}

function letterLine(l: StoredDeadLetter): string {
  const value = l.value.length > 120 ? `${l.value.slice(0, 117)}...` : l.value;
  return `${l.receivedAt}  ${l.reason}  ${l.topic}/${l.partition}@${l.offset}  key ${l.key ?? '-'}\n  ${l.detail}\n  ${l.valueEncoding === 'base64' ? 'base64 ' : ''}${value}\n`;
}

function byReason(letters: StoredDeadLetter[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const l of letters) counts[l.reason] = (counts[l.reason] ?? 0) + 1;
  return counts;
}

/** Re-publishes the original key and bytes; returns how many went out before any failure. */
async function republish(kafka: Kafka, topic: string, letters: StoredDeadLetter[]): Promise<number> {
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  let sent = 0;
  try {
    for (let i = 0; i < letters.length; i += REDRIVE_BATCH) {
      const batch = letters.slice(i, i + REDRIVE_BATCH);
      await producer.send({ topic, messages: batch.map((l) => ({ key: l.key, value: Buffer.from(l.value, l.valueEncoding) })) });
      sent += batch.length;
    }
  } catch (err) {
    throw new CliError(`redrive stopped after ${sent} of ${letters.length}: ${(err as Error).message}`, sent > 0 ? 2 : 1, { redriven: sent, matched: letters.length });
  } finally {
    await producer.disconnect();
  }
  return sent;
}

/**
 * `dlq list` / `dlq redrive` (R2): see what the dispatcher could not process, and once the cause
 * is fixed (a project added to the config, a producer corrected) send it through again. A
 * redriven event that was processed before is not written twice: workflows drop a seen eventId.
 */
export function registerDlq(program: Command, context: () => CliContext): void {
  const dlq = program.command('dlq').description('list and re-publish dead letters (events the dispatcher could not process)');

  dlq
    .command('list')
    .description('the newest dead letters: reason, detail, where each came from, its original bytes')
    .option('--limit <n>', 'at most this many, the newest', positiveInteger, 50)
    .action(async (options: { limit: number; json?: boolean }) => {
      const ctx = context();
      const letters: StoredDeadLetter[] = [];
      const { unreadable } = await readDeadLetters(await ctx.reachableKafka(), ctx.dlqTopic, (letter) => letters.push(letter));
      letters.sort((a, b) => a.receivedAt.localeCompare(b.receivedAt));
      const shown = letters.slice(-options.limit);
      printResult(options.json, { topic: ctx.dlqTopic, total: letters.length, unreadable, byReason: byReason(letters), deadLetters: shown }, () =>
        `${ctx.dlqTopic}: ${letters.length} dead letter${letters.length === 1 ? '' : 's'}` +
        `${letters.length > shown.length ? `, the newest ${shown.length} shown` : ''}${unreadable ? `, ${unreadable} unreadable` : ''}\n` +
        shown.map(letterLine).join(''));
    });

  dlq
    .command('redrive')
    .description('re-publish the original bytes of matching dead letters to the call-events topic (workflows drop events they saw)')
    .option('--reason <reason>', 'only this reason, e.g. unknown-project, invalid-schema, not-json')
    .option('--since <date>', 'only letters dead-lettered since then (ISO; without an offset: UTC)')
    .action(async (options: { reason?: string; since?: string; json?: boolean }) => {
      const ctx = context();
      const since = options.since === undefined ? undefined : parseSince(options.since, 'UTC');
      const kafka = await ctx.reachableKafka();
      const matched: StoredDeadLetter[] = [];
      let read = 0;
      await readDeadLetters(kafka, ctx.dlqTopic, (letter) => {
        read += 1;
        if (options.reason !== undefined && letter.reason !== options.reason) return;
        if (since && !(Date.parse(letter.receivedAt) >= since.getTime())) return;
        matched.push(letter);
      });
      const redriven = matched.length === 0 ? 0 : await republish(kafka, ctx.topic, matched);
      const summary = { from: ctx.dlqTopic, to: ctx.topic, read, matched: matched.length, redriven, byReason: byReason(matched) };
      printResult(options.json, summary, () => {
        const reasons = Object.entries(summary.byReason).map(([reason, n]) => `${reason} ${n}`).join(', ');
        return `redriven ${redriven} of ${read} dead letters from ${ctx.dlqTopic} to ${ctx.topic}${reasons ? ` (${reasons})` : ''}\n`;
      });
    });
}
