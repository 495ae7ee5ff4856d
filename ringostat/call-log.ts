import { CALL_EVENT_SCHEMA, type CallEvent } from '../schemas/call-event';
import { ringostatTimeZone, type ProjectConfig } from '../schemas/project-config';
import type { CallLogRow, RingostatClient } from './api-client';
import { boundedEventId, mapRingostatPayload, normalizeStatusWord } from './payload-mapping';

/**
 * Ringostat's call log (`GET /calls/list`) read over a window, and its rows turned into the
 * `call.ended` events a lost after-call webhook would have produced (B7).
 */

/** Ringostat answers at most this many calls a request (research A2). */
export const MAX_ROWS_PER_REQUEST = 6_500;
/** Long backfills are read a day at a time, as Ringostat's own clients do. */
const CHUNK_MS = 24 * 60 * 60 * 1000;

/** The fields the mapping reads (ringostat/payload-mapping.ts), in Ringostat's names. */
export const CALL_LOG_FIELDS = [
  'uniqueid', 'calldate', 'caller', 'dst', 'connected_with', 'call_type', 'disposition',
  'duration', 'billsec', 'waittime', 'recording', 'employee_number', 'employee_fio',
  'pool_name', 'utm_source', 'utm_medium', 'utm_campaign', 'utm_content', 'utm_term',
  'client_id', 'landing', 'refferrer',
] as const;

/** Calls still going on: their after-call webhook is not due yet. */
const IN_FLIGHT = new Set(['IN PROGRESS', 'CALLING', 'RINGING', 'UP']);

export interface ReadOptions {
  maxRows?: number;
  /** After each request: the part of [from, to] read so far. */
  onProgress?(done: { readMs: number; totalMs: number; rows: number }): void;
}

/**
 * Every call in [from, to], each once. A window that comes back full (maxRows) may have been
 * cut short, so it is split in halves and read again until each half fits.
 */
export async function readCallLog(client: RingostatClient, window: { from: Date; to: Date }, options: ReadOptions = {}): Promise<CallLogRow[]> {
  const maxRows = options.maxRows ?? MAX_ROWS_PER_REQUEST;
  const from = Math.floor(window.from.getTime() / 1000) * 1000;
  const to = Math.floor(window.to.getTime() / 1000) * 1000;
  const byId = new Map<string, CallLogRow>();
  let rows = 0;

  async function read(start: number, end: number): Promise<void> {
    const found = await client.listCalls({ from: new Date(start), to: new Date(end) }, CALL_LOG_FIELDS);
    if (found.length >= maxRows && end > start) {
      // Ringostat takes whole seconds, both ends inclusive: the halves must not share a second.
      const middle = start + Math.floor((end - start) / 2000) * 1000;
      await read(start, middle);
      await read(middle + 1000, end);
      return;
    }
    for (const row of found) byId.set(callIdOf(row) ?? `#${byId.size}`, row);
    rows += found.length;
    options.onProgress?.({ readMs: end - from, totalMs: to - from, rows });
  }

  for (let start = from; start <= to; start += CHUNK_MS) await read(start, Math.min(to, start + CHUNK_MS - 1000));
  return [...byId.values()];
}

export function callIdOf(row: CallLogRow): string | undefined {
  const id = row.uniqueid ?? row.call_id ?? row.cdr_id;
  return typeof id === 'string' || typeof id === 'number' ? String(id) : undefined;
}

export type RowEvent =
  | { ok: true; event: CallEvent }
  | { ok: false; callId?: string; reason: 'in-flight' | 'internal' | 'unmappable'; detail?: string };

/** B7's dedup key: the same call found again by a later run is the same event. */
export function reconciledEventId(callId: string): string {
  return boundedEventId(`reconcile:${callId}`, 'reconcile', callId);
}

/**
 * A call-log row → the `call.ended` event, through the ingest's own mapping (status words and
 * all), marked `reconciled` and given a deterministic id. Calls still in flight, internal and
 * transit calls (never written to the CRM) are left out.
 */
export function rowToEvent(row: CallLogRow, project: Pick<ProjectConfig, 'id' | 'timeZone' | 'ringostat'>, now: Date): RowEvent {
  const callId = callIdOf(row);
  const status = typeof row.disposition === 'string' ? normalizeStatusWord(row.disposition) : '';
  if (IN_FLIGHT.has(status)) return { ok: false, callId, reason: 'in-flight' };
  const mapped = mapRingostatPayload(row, { projectId: project.id, event: 'ended', timeZone: ringostatTimeZone(project), receivedAt: now });
  if (!mapped.ok) return { ok: false, callId, reason: 'unmappable', detail: `${mapped.error.field}: ${mapped.error.reason}` };
  const { raw: _raw, ...event } = mapped.event;
  if (event.internal || event.direction === 'transit') return { ok: false, callId, reason: 'internal' };
  return { ok: true, event: { ...event, schema: CALL_EVENT_SCHEMA, eventId: reconciledEventId(event.callId), reconciled: true } };
}
