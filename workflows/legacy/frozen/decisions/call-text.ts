// FROZEN COPY for version 1 (workflows/legacy/): copied from decisions/call-text.ts at commit 41a79f2 (issue 16),
// when version 1 was frozen. Version-1 workflows still running replay on this code and act on what it
// decides, so it never changes, and it deliberately duplicates live code: do not "dedupe" it back
// onto decisions/call-text.ts (an edit there would change what version-1 calls do). See docs/upgrades.md.
import type { CallFacts } from '../../../../schemas/crm-plan';
import type { Employee } from '../../../../schemas/project-config';
import { utmFieldMap } from './call-params';

/** 0:07, 2:35, 1:02:03 — how a manager reads a call's length. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.trunc(seconds));
  const two = (n: number) => String(n).padStart(2, '0');
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  return hours > 0 ? `${hours}:${two(minutes)}:${two(s % 60)}` : `${minutes}:${two(s % 60)}`;
}

export function isMissed(facts: Pick<CallFacts, 'disposition'>): boolean {
  return facts.disposition === 'no_answer' || facts.disposition === 'busy' || facts.disposition === 'failed';
}

/** The status a record shows: Ringostat's own word when it gave one (for reports), else ours. */
export function statusText(facts: CallFacts): string {
  return facts.rawDisposition ?? facts.disposition ?? 'in progress';
}

/** Readable title of a new lead/deal: what kind of call brought it, and from whom. */
export function entityTitle(facts: CallFacts): string {
  if (facts.disposition === 'voicemail') return `Voicemail ${facts.clientNumber}`;
  if (isMissed(facts)) return `Missed call ${facts.clientNumber}`;
  return `${facts.direction === 'callback' ? 'Callback' : 'Incoming call'} ${facts.clientNumber}`;
}

export function recordTitle(facts: CallFacts): string {
  if (facts.direction === 'outgoing') {
    const tail = facts.disposition && facts.disposition !== 'answered' ? ` (${statusText(facts)})` : '';
    return `Outgoing call to ${facts.clientNumber}${tail}`;
  }
  return `${facts.direction === 'callback' ? 'Callback call with' : 'Incoming call from'} ${facts.clientNumber}`;
}

/** Visit data (M5): what the manager needs to know where the caller came from. */
export function visitLines(facts: CallFacts): string[] {
  const { source } = facts;
  const utm = Object.entries(utmFieldMap)
    .flatMap(([field, param]) => (source[param] ? [`${field.slice(4).toLowerCase()}=${source[param]}`] : []));
  const lines: Array<[string, string | undefined]> = [
    ['Number pool', source.poolName],
    ['UTM', utm.length > 0 ? utm.join(', ') : undefined],
    ['Landing page', source.landingPage],
    ['Referrer', source.referrer],
    ['GA client id', source.gaClientId],
    ['gclid', source.gclid],
  ];
  return lines.flatMap(([label, value]) => (value ? [`${label}: ${value}`] : []));
}

/**
 * The body of every call record and call-related task: direction, number, status, duration, the
 * recording (or voicemail) link and the visit data, one fact per line.
 */
export function callDescription(facts: CallFacts, employee?: Employee): string {
  const who = employee?.name ?? facts.employee?.name;
  const recordingLabel = facts.disposition === 'voicemail' ? 'Voicemail recording' : 'Recording';
  const lines: Array<[string, string | undefined]> = [
    ['Direction', facts.direction],
    ['Client number', facts.clientNumber],
    ['Line', facts.lineNumber],
    ['Status', statusText(facts)],
    ['Duration', facts.talkSeconds !== undefined ? formatDuration(facts.talkSeconds) : undefined],
    ['Waiting', facts.waitSeconds !== undefined ? formatDuration(facts.waitSeconds) : undefined],
    [recordingLabel, facts.recordingUrl],
    [facts.direction === 'outgoing' ? 'Dialled by' : 'Answered by', who],
    ['Started', facts.startedAt],
  ];
  return [...lines.flatMap(([label, value]) => (value ? [`${label}: ${value}`] : [])), ...visitLines(facts)].join('\n');
}

/**
 * `iso` plus `hours`, written in the same UTC offset as `iso` so the deadline reads in the
 * project's local time. Pure arithmetic on the given time: the workflow must not read a clock.
 */
export function addHours(iso: string, hours: number): string {
  const ms = Date.parse(iso) + Math.round(hours * 3_600_000);
  const match = /([+-])(\d{2}):?(\d{2})$/.exec(iso);
  if (!match) return new Date(ms).toISOString().replace(/\.000Z$/, 'Z');
  const [, sign, hh, mm] = match;
  const offsetMin = (sign === '-' ? -1 : 1) * (Number(hh) * 60 + Number(mm));
  const local = new Date(ms + offsetMin * 60_000).toISOString().slice(0, 19);
  return `${local}${sign}${hh}:${mm}`;
}
