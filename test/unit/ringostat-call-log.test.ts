/** B7: call-log rows read through the ingest's mapping, window splitting, deterministic ids. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { simulateCalls } from '../../cli/call-simulator';
import { callLogRow } from '../../ringostat/call-log-row';
import type { CallLogRow, RingostatClient } from '../../ringostat/api-client';
import { readCallLog, reconciledEventId, rowToEvent } from '../../ringostat/call-log';
import { mapRingostatPayload } from '../../ringostat/payload-mapping';
import { formatRingostatDate } from '../../ringostat/dates';

const project = { id: 'acme', timeZone: 'Europe/Kyiv' };
const now = new Date('2026-11-25T12:00:00Z');

describe('call-log rows → call.ended events', () => {
  it('a simulated call survives the trip through the call log (all scenarios)', () => {
    const calls = simulateCalls({ projectId: 'acme', calls: 60, seed: 7, startAt: new Date('2026-11-25T08:00:00Z') });
    for (const call of calls) {
      const ended = call.events.find((e) => e.type === 'call.ended');
      assert.ok(ended);
      const mapped = rowToEvent(callLogRow(call.events, project.timeZone), project, now);
      assert.ok(mapped.ok, `${call.callId}: ${JSON.stringify(mapped)}`);
      const { event } = mapped;
      assert.equal(event.eventId, `reconcile:${call.callId}`);
      assert.equal(event.reconciled, true);
      assert.equal(event.raw, undefined);
      for (const field of ['callId', 'type', 'direction', 'clientNumber', 'lineNumber', 'disposition', 'rawDisposition',
        'waitSeconds', 'talkSeconds', 'recordingUrl'] as const) {
        assert.deepEqual(event[field], ended[field], `${call.callId} (${call.scenario}): ${field}`);
      }
      // Ringostat's dates have whole seconds.
      const second = (iso: string) => Math.floor(Date.parse(iso) / 1000);
      assert.equal(second(event.occurredAt), second(ended.occurredAt), `${call.callId}: occurredAt`);
      assert.equal(event.employee?.staffId, ended.employee?.staffId, `${call.callId}: employee`);
      // gclid is no call-log field (research A2): the rest of the visit data comes back.
      const { gclid: _gclid, ...source } = ended.source ?? {};
      assert.deepEqual(event.source ?? {}, source, `${call.callId}: source`);
    }
  });

  it('maps Ringostat\'s status words exactly as the ingest does', () => {
    for (const word of ['ANSWERED', 'PROPER', 'REPEATED', 'NO ANSWER', 'NO+ANSWER', 'CLIENT_NO_ANSWER', 'BUSY', 'FAILED', 'NO-FORWARD',
      'WRONG EXTENSION', 'NO EXTENSION', 'FAILED FORBIDDEN DESTINATION', 'VOICEMAIL']) {
      const row = { uniqueid: 'c1', calldate: '2026-11-25 10:00:00', caller: '0981234567', dst: '0443334401', call_type: 'in', disposition: word, billsec: '0' };
      const ingest = mapRingostatPayload(row, { projectId: 'acme', event: 'ended', timeZone: project.timeZone, receivedAt: now });
      const reconciled = rowToEvent(row, project, now);
      assert.ok(ingest.ok && reconciled.ok, word);
      assert.equal(reconciled.event.disposition, ingest.event.disposition, word);
      assert.equal(reconciled.event.rawDisposition, ingest.event.rawDisposition, word);
    }
  });

  it('leaves out calls still in flight and internal or transit calls', () => {
    const base = { uniqueid: 'c2', calldate: '2026-11-25 10:00:00', caller: '0981234567', dst: '0443334401', disposition: 'ANSWERED', billsec: 5 };
    assert.deepEqual(rowToEvent({ ...base, call_type: 'in', disposition: 'IN PROGRESS' }, project, now), { ok: false, callId: 'c2', reason: 'in-flight' });
    assert.equal(rowToEvent({ ...base, call_type: 'transitin' }, project, now).ok, false);
    assert.equal(rowToEvent({ ...base, call_type: 'internal' }, project, now).ok, false);
    assert.deepEqual(rowToEvent({ calldate: 'x' }, project, now).ok, false);
  });

  it('gives a long call id a hashed, bounded event id', () => {
    const id = reconciledEventId('x'.repeat(128));
    assert.ok(id.length <= 128 && id.startsWith('reconcile:sha256:'));
    assert.equal(id, reconciledEventId('x'.repeat(128)));
  });
});

describe('reading a window of the call log', () => {
  /** A fake Ringostat holding one call a minute, answering at most `max` rows. */
  function fakeClient(rows: CallLogRow[], max: number) {
    const requests: string[] = [];
    const client: RingostatClient = {
      async listCalls(window) {
        const from = formatRingostatDate(window.from.getTime(), 'UTC');
        const to = formatRingostatDate(window.to.getTime(), 'UTC');
        requests.push(`${from}..${to}`);
        return rows.filter((row) => String(row.calldate) >= from && String(row.calldate) <= to).slice(0, max);
      },
      syncContacts: async () => undefined,
    };
    return { client, requests };
  }
  const start = Date.parse('2026-11-25T10:00:00Z');
  const rows = Array.from({ length: 20 }, (_, i) => ({ uniqueid: `c${i}`, calldate: formatRingostatDate(start + i * 60_000, 'UTC') }));

  it('splits a window that comes back full until every part fits, reading each call once', async () => {
    const { client, requests } = fakeClient(rows, 6);
    const read = await readCallLog(client, { from: new Date(start), to: new Date(start + 19 * 60_000) }, { maxRows: 6 });
    assert.deepEqual(read.map((r) => r.uniqueid).sort(), rows.map((r) => r.uniqueid).sort());
    assert.ok(requests.length > 3, requests.join('\n'));
  });

  it('reads a small window in one request', async () => {
    const { client, requests } = fakeClient(rows, 6500);
    const read = await readCallLog(client, { from: new Date(start), to: new Date(start + 19 * 60_000) });
    assert.equal(read.length, 20);
    assert.equal(requests.length, 1);
  });
});
