import { createHash } from 'node:crypto';
import {
  CALL_EVENT_SCHEMA, callEventSchema,
  type CallEvent, type CallEventType, type CallSource, type Direction, type Disposition, type EmployeeRef,
} from '../schemas/call-event';
import { RingostatParams, restorePlus, withoutSecrets, type ParamValue } from './payload-params';
import { parseRingostatDate } from './dates';

/**
 * Ringostat webhook payload → `ringostat.call-event/v1` (docs/contracts.md §1, B5). Pure.
 *
 * Only what the bridge cannot work without is required (call id, client number, and the
 * disposition of an after-call webhook); a malformed optional field is dropped with a warning
 * instead, because Ringostat never retries a refused webhook and the call would be lost. The
 * untouched payload always travels in `raw`, so nothing dropped is gone for good.
 */

export interface MapContext {
  projectId: string;
  /** From the route or query (`?event=answered`); the payload's own `event` is the fallback. */
  event?: string;
  /** The project's IANA zone: Ringostat dates usually carry no offset. */
  timeZone: string;
  /** When the request arrived: the event time when the payload has no date. */
  receivedAt: Date;
}

export interface MapIssue {
  /** The payload's parameter (as Ringostat names it) the issue is about. */
  field: string;
  reason: string;
}

export type MapResult =
  | { ok: true; event: CallEvent; warnings: MapIssue[] }
  | { ok: false; error: MapIssue };

// --- alias lists (research A1/A2: names vary by webhook version) ---------------------------------

const CALL_ID = ['uniqueid', 'cdr_id', 'call_id', 'callid', 'unique_id', 'call_uuid'];
const CALLER = ['caller', 'caller_number', 'callernumber', 'src', 'from'];
const CALLEE = ['dst', 'callee', 'destination', 'called_number', 'to'];
const CLIENT = ['client_number', 'clientnumber', 'client_phone'];
const LINE = ['line_number', 'linenumber', 'tracking_number', 'did'];
const CALL_TYPE = ['call_type', 'calltype', 'direction'];
const DISPOSITION = ['disposition', 'status', 'call_status'];
const DATE = ['calldate', 'call_date', 'date', 'start_time', 'starttime', 'call_start', 'datetime', 'timestamp'];
const DURATION = ['duration', 'call_duration', 'total_duration'];
const TALK = ['billsec', 'talk_time', 'talktime', 'talk_duration', 'conversation_duration'];
const WAIT = ['waittime', 'wait_time', 'wait', 'wait_duration'];
const RECORDING = ['recording', 'recording_url', 'record', 'record_url', 'recording_mp3', 'call_record', 'recording_wav'];
const SOURCE: Array<[keyof CallSource, string[]]> = [
  ['utmSource', ['utm_source']],
  ['utmMedium', ['utm_medium']],
  ['utmCampaign', ['utm_campaign']],
  ['utmContent', ['utm_content']],
  ['utmTerm', ['utm_term']],
  ['gclid', ['gclid']],
  ['gaClientId', ['client_id', 'ga_client_id', 'gaclientid', 'google_client_id']],
  ['poolName', ['pool_name', 'poolname']],
  ['landingPage', ['landing', 'landing_page', 'landing_url']],
  // Ringostat's own spelling has a double r.
  ['referrer', ['refferrer', 'referrer', 'referer']],
];

const CALL_TYPES: Record<string, Direction> = {
  in: 'incoming', incoming: 'incoming', inbound: 'incoming',
  out: 'outgoing', outgoing: 'outgoing', outbound: 'outgoing',
  callback: 'callback',
  transitin: 'transit', transitout: 'transit', transit: 'transit',
};
const INTERNAL_CALL_TYPES = new Set(['internal', 'inner', 'local']);

const EVENT_TYPES: Record<string, CallEventType> = {
  ringing: 'call.ringing', ring: 'call.ringing', start: 'call.ringing', started: 'call.ringing', before: 'call.ringing',
  beforecall: 'call.ringing', forwarding: 'call.ringing', forward: 'call.ringing',
  answered: 'call.answered', answer: 'call.answered', pickup: 'call.answered', pickedup: 'call.answered', connected: 'call.answered',
  ended: 'call.ended', end: 'call.ended', after: 'call.ended', aftercall: 'call.ended', completed: 'call.ended', complete: 'call.ended',
  hangup: 'call.ended', finished: 'call.ended', rated: 'call.ended', rating: 'call.ended',
};

/** Ringostat statuses (help article 6413217), compared with `+ _ -` read as spaces. */
const DISPOSITIONS: Record<string, Disposition> = {
  'ANSWERED': 'answered', 'ANSWER': 'answered', 'PROPER': 'answered', 'REPEATED': 'answered',
  'NO ANSWER': 'no_answer', 'NOANSWER': 'no_answer', 'CLIENT NO ANSWER': 'no_answer', 'MISSED': 'no_answer',
  'BUSY': 'busy',
  'FAILED': 'failed', 'NO FORWARD': 'failed', 'WRONG EXTENSION': 'failed', 'NO EXTENSION': 'failed',
  'FAILED FORBIDDEN DESTINATION': 'failed', 'FORBIDDEN DESTINATION': 'failed', 'CONGESTION': 'failed', 'CHANUNAVAIL': 'failed',
  'VOICEMAIL': 'voicemail', 'VOICE MAIL': 'voicemail',
};

// --- small parsers -------------------------------------------------------------------------------

function decodeLoose(text: string): string {
  if (!/%[0-9a-f]{2}/i.test(text)) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** `NO+ANSWER`, `no_answer`, `NO%20ANSWER` → `NO ANSWER` (Ringostat's word, for reports). */
export function normalizeStatusWord(text: string): string {
  return decodeLoose(text).replace(/[+_]/g, ' ').replace(/\s+/g, ' ').trim().toUpperCase();
}

export function dispositionOf(rawWord: string): Disposition | undefined {
  return DISPOSITIONS[rawWord.replace(/-/g, ' ').replace(/\s+/g, ' ')];
}

/** `35`, `35.0`, `0:35`, `00:00:35` → 35; anything else → NaN. */
function seconds(text: string): number {
  const value = text.trim();
  if (/^\d+(?:\.\d+)?$/.test(value)) return Math.round(Number(value));
  const clock = /^(\d+):(\d{2})(?::(\d{2}))?$/.exec(value);
  if (!clock) return Number.NaN;
  const [a, b, c] = [Number(clock[1]), Number(clock[2]), clock[3] === undefined ? undefined : Number(clock[3])];
  return c === undefined ? a * 60 + b : a * 3600 + b * 60 + c;
}

function digits(text: string): string {
  return text.replace(/\D/g, '');
}

function isPhoneLike(text: string): boolean {
  return /^[\s+()\-.\d]+$/.test(text) && digits(text).length >= 6;
}

function isSipLike(text: string): boolean {
  return /[a-z<@]/i.test(text);
}

/** `"p_user" <p_user>` or `sip:olena@pbx` → `p_user` / `olena@pbx`. */
function sipLogin(text: string): string {
  const bracketed = /<([^>]+)>/.exec(text)?.[1] ?? text.replace(/"/g, '');
  return bracketed.trim().replace(/^sips?:/i, '');
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

function truthy(text: string): boolean {
  return ['1', 'true', 'yes', 'y', 'on'].includes(text.trim().toLowerCase());
}

/** `readable` when it fits the contract's 128 characters, else `{prefix}:sha256:{hash of source}`. */
export function boundedEventId(readable: string, prefix: string, source: string): string {
  if (readable.length <= 128) return readable;
  return `${prefix}:sha256:${createHash('sha256').update(source).digest('hex')}`;
}

/** Same call + same stage → same id, so a resent webhook is dropped by the workflow (R1). */
export function ringostatEventId(callId: string, type: CallEventType): string {
  return boundedEventId(`ringostat:${callId}:${type.slice('call.'.length)}`, 'ringostat', `${callId}\n${type}`);
}

export function eventTypeOf(text: string): CallEventType | undefined {
  const key = text.trim().toLowerCase().replace(/^call[._]/, '').replace(/[^a-z]/g, '');
  return EVENT_TYPES[key];
}

// --- the mapping ---------------------------------------------------------------------------------

export function mapRingostatPayload(payload: Record<string, unknown>, context: MapContext): MapResult {
  const params = new RingostatParams(payload);
  const warnings: MapIssue[] = [];
  const fail = (field: string, reason: string): MapResult => ({ ok: false, error: { field, reason } });
  const warn = (field: string, reason: string) => warnings.push({ field, reason });

  // Event type: route/query first, then the payload; Ringostat's after-call webhook is the default.
  // The operator's `?event=` is checked strictly; a payload's own `event` we cannot read only warns,
  // so an unexpected Ringostat value does not lose the call.
  const eventParam = params.take('event', 'event_type');
  let type: CallEventType = 'call.ended';
  if (context.event !== undefined) {
    const fromRoute = eventTypeOf(context.event);
    if (!fromRoute) return fail('event', `unknown event "${context.event}": use ringing, answered or ended`);
    type = fromRoute;
  } else if (eventParam) {
    const fromPayload = eventTypeOf(eventParam.value);
    if (fromPayload) type = fromPayload;
    else warn(eventParam.key, `unknown event "${eventParam.value}": taken as the after-call webhook (ended)`);
  }

  const callIdParam = params.take(...CALL_ID);
  if (!callIdParam) return fail('uniqueid', 'the call id is required (uniqueid, cdr_id or call_id)');
  const callId = callIdParam.value.trim();
  if (callId.length > 128) return fail(callIdParam.key, 'the call id is longer than 128 characters');

  const caller = params.take(...CALLER);
  const callee = params.take(...CALLEE);
  const explicitClient = params.take(...CLIENT);
  const explicitLine = params.take(...LINE);

  // Direction from call_type; without it, a SIP caller dialling a phone number is an outgoing call.
  let direction: Direction;
  let internal = false;
  const callType = params.take(...CALL_TYPE);
  if (callType) {
    const word = callType.value.trim().toLowerCase().replace(/[^a-z]/g, '');
    if (INTERNAL_CALL_TYPES.has(word)) {
      direction = 'outgoing';
      internal = true;
    } else {
      const mapped = CALL_TYPES[word];
      if (!mapped) return fail(callType.key, `unknown call type "${callType.value}": expected in, out, callback, transitin or transitout`);
      direction = mapped;
    }
  } else if (caller && callee && !isPhoneLike(caller.value) && isSipLike(caller.value) && isPhoneLike(callee.value)) {
    direction = 'outgoing';
    warn('call_type', 'missing: guessed "out" (a SIP caller dialled a phone number); add call_type to the webhook');
  } else {
    direction = 'incoming';
  }
  // Callback calls reach us as incoming calls; Ringostat tells them apart by the insertion type.
  const insertion = params.peek('insertion_type', 'insertiontype');
  if (direction === 'incoming' && insertion && insertion.value.trim().toLowerCase() === 'callback') direction = 'callback';

  // The client is the caller of an incoming call and the callee of an outgoing one.
  let client: ParamValue | undefined;
  let line: ParamValue | undefined;
  if (direction === 'outgoing') {
    client = explicitClient ?? callee;
    line = explicitLine ?? (caller && isPhoneLike(caller.value) ? caller : undefined);
  } else if (direction === 'transit') {
    client = explicitClient ?? (caller && isPhoneLike(caller.value) ? caller : callee ?? caller);
    line = explicitLine;
  } else {
    client = explicitClient ?? caller;
    line = explicitLine ?? callee;
  }
  if (!client) return fail(direction === 'outgoing' ? 'dst' : 'caller', `the client's number is required (${direction === 'outgoing' ? 'dst' : 'caller'})`);
  const clientNumber = restorePlus(client.value);
  if (clientNumber.length > 64) return fail(client.key, 'the client number is longer than 64 characters');

  // Disposition: required on call.ended; an unknown word falls back on the talk time.
  const dispositionParam = params.take(...DISPOSITION);
  const rawDisposition = dispositionParam ? normalizeStatusWord(dispositionParam.value) : undefined;
  const optionalSeconds = (aliases: string[], take = true): number | undefined => {
    const param = take ? params.take(...aliases) : params.peek(...aliases);
    if (!param) return undefined;
    const value = seconds(param.value);
    if (Number.isNaN(value)) {
      warn(param.key, `"${param.value}" is not a number of seconds; ignored`);
      return undefined;
    }
    return value;
  };
  const duration = optionalSeconds(DURATION, false);
  const waitSeconds = optionalSeconds(WAIT);
  let talkSeconds = optionalSeconds(TALK);
  let disposition: Disposition | undefined;
  if (type === 'call.ended') {
    disposition = rawDisposition ? dispositionOf(rawDisposition) : undefined;
    if (!disposition) {
      const talk = talkSeconds ?? (duration !== undefined && waitSeconds !== undefined ? Math.max(0, duration - waitSeconds) : undefined);
      if (talk === undefined) {
        return fail('disposition', rawDisposition
          ? `unknown disposition "${rawDisposition}" and no billsec to tell whether the call was answered`
          : 'required on the after-call webhook (add the disposition parameter)');
      }
      disposition = talk > 0 ? 'answered' : 'no_answer';
      warn('disposition', `${rawDisposition ? `unknown disposition "${rawDisposition}"` : 'missing'}: taken as ${disposition} from billsec`);
    }
    if (talkSeconds === undefined && disposition === 'answered' && duration !== undefined && waitSeconds !== undefined) {
      talkSeconds = Math.max(0, duration - waitSeconds);
    }
  }

  // When it happened: calldate is the call's start; later stages add the wait / the whole call.
  const dateParam = params.take(...DATE);
  let startMs: number | undefined;
  if (dateParam) {
    startMs = parseRingostatDate(dateParam.value, context.timeZone);
    if (startMs === undefined) warn(dateParam.key, `"${dateParam.value}" is not a date; the arrival time is used`);
  }
  let occurredMs = context.receivedAt.getTime();
  if (startMs !== undefined) {
    if (type === 'call.answered') occurredMs = startMs + (waitSeconds ?? 0) * 1000;
    else if (type === 'call.ended') occurredMs = startMs + (duration ?? (waitSeconds ?? 0) + (talkSeconds ?? 0)) * 1000;
    else occurredMs = startMs;
  }

  const employee = employeeOf(params, direction, caller);
  // docs/contracts.md §1: no employee when nobody answered (Ringostat may still name the last one rung).
  const nobodyAnswered = type === 'call.ended' && disposition !== 'answered' && direction !== 'outgoing';

  const recordingParam = params.take(...RECORDING);
  let recordingUrl: string | undefined;
  if (recordingParam) {
    const text = decodeLoose(recordingParam.value.trim());
    if (isHttpUrl(text)) recordingUrl = text;
    else warn(recordingParam.key, 'not an http(s) URL; ignored');
  }

  const source: CallSource = {};
  for (const [field, aliases] of SOURCE) {
    const param = params.take(...aliases);
    if (param) source[field] = param.value.trim();
  }

  const internalParam = params.take('internal', 'is_internal');
  if (internalParam && truthy(internalParam.value)) internal = true;

  const transfer = params.take('transferred_from', 'transfer_from', 'transferred_by');
  let lineNumber = line ? restorePlus(line.value) : undefined;
  if (lineNumber !== undefined && lineNumber.length > 64) {
    warn(line?.key ?? 'dst', 'the line number is longer than 64 characters; ignored');
    lineNumber = undefined;
  }

  const event: CallEvent = {
    schema: CALL_EVENT_SCHEMA,
    eventId: ringostatEventId(callId, type),
    projectId: context.projectId,
    callId,
    type,
    occurredAt: new Date(occurredMs).toISOString(),
    direction,
    clientNumber,
  };
  if (lineNumber) event.lineNumber = lineNumber;
  if (employee && !nobodyAnswered) event.employee = employee;
  if (disposition) event.disposition = disposition;
  if (rawDisposition) event.rawDisposition = rawDisposition;
  if (waitSeconds !== undefined) event.waitSeconds = waitSeconds;
  if (talkSeconds !== undefined) event.talkSeconds = talkSeconds;
  if (recordingUrl) event.recordingUrl = recordingUrl;
  if (internal) event.internal = true;
  if (transfer) {
    const from = transfer.value.trim();
    event.transferredFrom = isSipLike(from) ? { sip: sipLogin(from) } : { extension: from };
  }
  if (Object.keys(source).length > 0) event.source = source;
  const extra = params.rest();
  if (Object.keys(extra).length > 0) event.extra = extra;
  event.raw = withoutSecrets(payload);

  // The schema is the contract: anything it still refuses is named by the payload's parameter.
  const checked = callEventSchema.safeParse(event);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    const path = issue?.path.map(String).join('.') ?? '';
    return fail(payloadFieldFor(path, { callId: callIdParam, client, line }), issue?.message ?? 'invalid');
  }
  return { ok: true, event: checked.data, warnings };
}

function employeeOf(params: RingostatParams, direction: Direction, caller: ParamValue | undefined): EmployeeRef | undefined {
  const employee: EmployeeRef = {};
  const staffId = params.take('employee_number', 'staff_id', 'staffid', 'employee_id', 'employee_code');
  const name = params.take('employee_fio', 'employee_name', 'employee', 'manager_fio');
  const sip = params.take('employee_sip', 'sip', 'sip_login', 'manager_sip');
  const extension = params.take('employee_extension', 'extension', 'employee_ext');
  const phone = params.take('employee_phone', 'manager_phone');
  if (staffId) employee.staffId = staffId.value.trim();
  if (name) employee.name = name.value.trim();
  if (sip) employee.sip = sipLogin(sip.value);
  if (extension) employee.extension = extension.value.trim();
  if (phone) employee.phone = restorePlus(phone.value);
  // `connected_with` is the destination that answered: a SIP login, an extension or a phone.
  const connected = params.peek('connected_with');
  if (connected) {
    const text = connected.value.trim();
    if (isPhoneLike(text)) employee.phone ??= restorePlus(connected.value);
    else if (isSipLike(text)) employee.sip ??= sipLogin(text);
    else if (/^\d{1,5}$/.test(text)) employee.extension ??= text;
  }
  // On an outgoing call the caller is the employee's SIP account (`"p_user" <p_user>`).
  if (direction === 'outgoing' && caller && !isPhoneLike(caller.value) && isSipLike(caller.value)) employee.sip ??= sipLogin(caller.value);
  for (const key of Object.keys(employee) as Array<keyof EmployeeRef>) if (employee[key] === '') delete employee[key];
  return Object.keys(employee).some((key) => key !== 'name') ? employee : undefined;
}

function payloadFieldFor(path: string, used: { callId: ParamValue; client: ParamValue; line: ParamValue | undefined }): string {
  if (path === 'callId') return used.callId.key;
  if (path === 'clientNumber') return used.client.key;
  if (path === 'lineNumber') return used.line?.key ?? 'dst';
  if (path === 'recordingUrl') return 'recording';
  return path || '(payload)';
}
