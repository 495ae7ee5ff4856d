import type { CallEvent, Direction, Disposition } from '../schemas/call-event';
import { formatRingostatDate } from './dates';

/**
 * A simulated call's events → the row Ringostat's call log would hold for it, in Ringostat's
 * field names: what `simulate` registers in the stand-in, and what the reconciler reads back
 * through the ingest's mapping. The inverse of ringostat/payload-mapping.ts for after-call data.
 */

/** One row of Ringostat's call log as written (api-client.ts reads rows back as unknown values). */
export type WrittenCallLogRow = Record<string, string | number>;

const CALL_TYPES: Record<Direction, string> = { incoming: 'in', outgoing: 'out', callback: 'callback', transit: 'transitin' };
const STATUS_WORDS: Record<Disposition, string> = {
  answered: 'ANSWERED', no_answer: 'NO ANSWER', busy: 'BUSY', failed: 'FAILED', voicemail: 'VOICEMAIL',
};

export function callLogRow(events: readonly CallEvent[], timeZone: string): WrittenCallLogRow {
  const ended = events.find((event) => event.type === 'call.ended');
  if (!ended?.disposition) throw new Error('a call-log row needs the call\'s call.ended event');
  const wait = ended.waitSeconds ?? 0;
  const talk = ended.talkSeconds ?? 0;
  // calldate is the call's start: the first event, or the end less the call's length.
  const firstAt = Math.min(...events.map((event) => Date.parse(event.occurredAt)));
  const startMs = events.length > 1 ? firstAt : Date.parse(ended.occurredAt) - (wait + talk) * 1000;
  const outgoing = ended.direction === 'outgoing';
  const employee = ended.employee;
  const source = ended.source ?? {};
  const row: WrittenCallLogRow = {
    uniqueid: ended.callId,
    calldate: formatRingostatDate(startMs, timeZone),
    call_type: ended.internal ? 'internal' : CALL_TYPES[ended.direction],
    // Incoming: the client called the tracking line. Outgoing: the line (caller id) called the client.
    caller: outgoing ? ended.lineNumber ?? (employee?.sip ? `"${employee.sip}" <${employee.sip}>` : '') : ended.clientNumber,
    dst: outgoing ? ended.clientNumber : ended.lineNumber ?? '',
    disposition: ended.rawDisposition ?? STATUS_WORDS[ended.disposition],
    duration: wait + talk,
    billsec: talk,
    waittime: wait,
    recording: ended.recordingUrl ?? '',
    employee_number: employee?.staffId ?? '',
    employee_fio: employee?.name ?? '',
    connected_with: employee?.sip ?? employee?.extension ?? employee?.phone ?? '',
    pool_name: source.poolName ?? '',
    utm_source: source.utmSource ?? '',
    utm_medium: source.utmMedium ?? '',
    utm_campaign: source.utmCampaign ?? '',
    utm_content: source.utmContent ?? '',
    utm_term: source.utmTerm ?? '',
    client_id: source.gaClientId ?? '',
    landing: source.landingPage ?? '',
    refferrer: source.referrer ?? '',
  };
  return row;
}
