// FROZEN COPY for version 1 (workflows/legacy/): copied from decisions/facts-from-events.ts at commit 41a79f2 (issue 16),
// when version 1 was frozen. Version-1 workflows still running replay on this code and act on what it
// decides, so it never changes, and it deliberately duplicates live code: do not "dedupe" it back
// onto decisions/facts-from-events.ts (an edit there would change what version-1 calls do). See docs/upgrades.md.
import type { CallEvent, CallEventType } from '../../../../schemas/call-event';
import type { CallFacts } from '../../../../schemas/crm-plan';

/** The stage a call's events can reach; the workflow calls the planners with one of these. */
export type CallStage = 'ringing' | 'answered' | 'ended';

const stageOf: Record<CallEventType, CallStage> = {
  'call.ringing': 'ringing',
  'call.answered': 'answered',
  'call.ended': 'ended',
};
const stageRank: Record<CallStage, number> = { ringing: 0, answered: 1, ended: 2 };

/** Milliseconds of an ISO time; an unparsable one sorts first rather than breaking the fold. */
export function isoMillis(iso: string): number {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? Number.NEGATIVE_INFINITY : ms;
}

/**
 * Events in a canonical order: by stage, then time, then eventId. Sorting by stage first means a
 * late `call.answered` cannot override what `call.ended` said, whatever order Kafka delivered.
 */
function canonical(events: readonly CallEvent[]): CallEvent[] {
  const sorted = [...events].sort((a, b) =>
    stageRank[stageOf[a.type]] - stageRank[stageOf[b.type]]
    || isoMillis(a.occurredAt) - isoMillis(b.occurredAt)
    || (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0));
  const seen = new Set<string>();
  return sorted.filter((event) => (seen.has(event.eventId) ? false : (seen.add(event.eventId), true)));
}

/**
 * Folds a call's events (any order, duplicated by eventId, ringing/answered missing) into the
 * facts the decision table reads. `clientNumber` is the E.164 form computed outside the
 * workflow (libphonenumber is not deterministic-safe to bundle); without it the raw number stays.
 * Later stages win for single values; source and extra data are merged so nothing is lost when
 * the after-call webhook carries more than the ringing one.
 */
export function factsFromEvents(events: readonly CallEvent[], clientNumber?: string): CallFacts {
  const ordered = canonical(events);
  const first = ordered[0];
  if (!first) throw new Error('factsFromEvents needs at least one event');
  const facts: CallFacts = {
    projectId: first.projectId,
    callId: first.callId,
    direction: first.direction,
    clientNumber: clientNumber ?? first.clientNumber,
    internal: false,
    transferred: false,
    source: {},
    extra: {},
    startedAt: first.occurredAt,
  };
  for (const event of ordered) {
    facts.direction = event.direction;
    if (clientNumber === undefined) facts.clientNumber = event.clientNumber;
    if (event.lineNumber) facts.lineNumber = event.lineNumber;
    // Incoming: ringing names whom the call rang, not who took it; outgoing: whoever dialled.
    if (event.employee && (event.type !== 'call.ringing' || event.direction === 'outgoing')) facts.employee = event.employee;
    if (event.internal) facts.internal = true;
    if (event.transferredFrom) facts.transferred = true;
    if (event.waitSeconds !== undefined) facts.waitSeconds = event.waitSeconds;
    if (event.talkSeconds !== undefined) facts.talkSeconds = event.talkSeconds;
    if (event.recordingUrl) facts.recordingUrl = event.recordingUrl;
    if (event.rawDisposition) facts.rawDisposition = event.rawDisposition;
    for (const [key, value] of Object.entries(event.source ?? {})) {
      if (value) (facts.source as Record<string, string>)[key] = value;
    }
    for (const [key, value] of Object.entries(event.extra ?? {})) {
      // Keys come from the wire: `__proto__` would reach the object's prototype, not a field.
      if (key !== '__proto__') facts.extra[key] = value;
    }
    if (isoMillis(event.occurredAt) < isoMillis(facts.startedAt)) facts.startedAt = event.occurredAt;
    if (event.type === 'call.ended') {
      if (event.disposition) facts.disposition = event.disposition;
      facts.endedAt = event.occurredAt;
    }
  }
  return facts;
}

/** Whether a `call.answered` event is among the call's events (the `answer` creation moment). */
export function answeredSeen(events: readonly CallEvent[]): boolean {
  return events.some((event) => event.type === 'call.answered');
}
