import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { callScenarios, createPrng, simulateCalls, type SimulateOptions } from '../../cli/call-simulator';
import { callEventKey, callEventSchema } from '../../schemas/call-event';

const employees = [
  { code: '101', name: 'Olena Koval', extension: '101', sip: ['olena_sip'] },
  { code: '102', name: 'Taras Melnyk', extension: '102', sip: [] },
];
const options: SimulateOptions = { projectId: 'acme', calls: 400, seed: 42, employees, startAt: new Date('2026-03-02T09:00:00+02:00') };

/** The national significant number (9 digits), whatever the format: what B1 must match on. */
const nationalDigits = (number: string) => number.replace(/\D/g, '').slice(-9);

describe('call simulator (simulate command, docs/contracts.md §1)', () => {
  const calls = simulateCalls(options);
  const events = calls.flatMap((call) => call.events);

  it('every generated event parses with callEventSchema', () => {
    for (const event of events) {
      const parsed = callEventSchema.safeParse(event);
      assert.ok(parsed.success, `${event.eventId}: ${parsed.success ? '' : parsed.error.message}`);
    }
  });

  it('is deterministic for a seed and differs across seeds', () => {
    assert.deepEqual(simulateCalls(options), calls);
    const other = simulateCalls({ ...options, seed: 43 });
    assert.notDeepEqual(other.map((c) => c.clientNumber), calls.map((c) => c.clientNumber));
    assert.ok(other.every((c, i) => c.callId !== calls[i]?.callId), 'call ids of two seeds never collide');
  });

  it('PRNG stays in range and is reproducible', () => {
    const a = createPrng(7);
    const b = createPrng(7);
    for (let i = 0; i < 1000; i += 1) {
      const x = a.next();
      assert.equal(x, b.next());
      assert.ok(x >= 0 && x < 1);
      const n = a.int(3, 5);
      b.int(3, 5);
      assert.ok(n >= 3 && n <= 5 && Number.isInteger(n));
    }
  });

  it('each call is one key, ends with exactly one call.ended, events in time order, ids unique', () => {
    assert.equal(calls.length, 400);
    assert.equal(new Set(events.map((e) => e.eventId)).size, events.length);
    assert.equal(new Set(calls.map((c) => c.callId)).size, calls.length);
    for (const call of calls) {
      assert.equal(new Set(call.events.map(callEventKey)).size, 1);
      assert.equal(callEventKey(call.events[0]!), `acme:${call.callId}`);
      assert.deepEqual(call.events.filter((e) => e.type === 'call.ended'), [call.events.at(-1)]);
      const times = call.events.map((e) => Date.parse(e.occurredAt));
      assert.deepEqual([...times].sort((x, y) => x - y), times);
      if (call.endedOnly) assert.equal(call.events.length, 1);
    }
    const starts = calls.map((c) => Date.parse(c.events[0]!.occurredAt));
    assert.ok(starts[0]! >= options.startAt.getTime());
  });

  it('covers every scenario with the expected shape', () => {
    for (const scenario of callScenarios) assert.ok(calls.some((c) => c.scenario === scenario), scenario);
    for (const call of calls) {
      const ended = call.events.at(-1)!;
      switch (ended.disposition) {
        case 'answered':
          assert.ok(ended.talkSeconds! > 0 && ended.recordingUrl && ended.employee?.staffId, call.callId);
          if (!call.endedOnly) assert.deepEqual(call.events.map((e) => e.type), ['call.ringing', 'call.answered', 'call.ended']);
          break;
        case 'voicemail':
          assert.ok(ended.recordingUrl, call.callId);
          assert.equal(ended.employee, undefined);
          break;
        case 'no_answer':
        case 'busy':
        case 'failed':
          assert.equal(ended.talkSeconds, 0);
          assert.equal(ended.recordingUrl, undefined);
          if (call.direction !== 'outgoing') assert.equal(ended.employee, undefined);
          if (!call.endedOnly) assert.deepEqual(call.events.map((e) => e.type), ['call.ringing', 'call.ended']);
          break;
        default:
          assert.fail(`unexpected disposition ${String(ended.disposition)}`);
      }
      if (call.direction === 'outgoing') {
        assert.ok(call.events.every((e) => e.employee?.staffId), 'the dialling employee is on every outgoing event');
        assert.equal(ended.source, undefined);
      }
    }
    assert.ok(calls.some((c) => c.endedOnly), 'some calls arrive as call.ended alone');
    assert.ok(calls.some((c) => c.direction === 'outgoing'));
  });

  it('uses the given employees', () => {
    const codes = new Set(events.flatMap((e) => (e.employee?.staffId ? [e.employee.staffId] : [])));
    assert.deepEqual([...codes].sort(), ['101', '102']);
    const taras = events.find((e) => e.employee?.staffId === '102')!;
    assert.equal(taras.employee?.sip, undefined, 'no SIP when the employee has none');
  });

  it('has repeat callers writing one number in several formats (B1 material)', () => {
    const byNumber = new Map<string, Set<string>>();
    for (const call of calls) {
      assert.match(nationalDigits(call.clientNumber), /^(50|63|66|67|68|73|93|95|96|97|98|99)\d{7}$/);
      const formats = byNumber.get(nationalDigits(call.clientNumber)) ?? new Set<string>();
      formats.add(call.clientNumber);
      byNumber.set(nationalDigits(call.clientNumber), formats);
    }
    const repeated = [...byNumber.values()].filter((formats) => formats.size > 1);
    assert.ok(repeated.length >= 5, `repeat callers in mixed formats: ${repeated.length}`);
    const all = calls.map((c) => c.clientNumber);
    assert.ok(all.some((n) => /^0\d{9}$/.test(n)));
    assert.ok(all.some((n) => /^\+380 \d{2} \d{3} \d{2} \d{2}$/.test(n)));
    assert.ok(all.some((n) => /^380\d{9}$/.test(n)));
  });

  it('carries UTM source data on incoming calls (M5)', () => {
    const incoming = events.filter((e) => e.direction !== 'outgoing');
    assert.ok(incoming.every((e) => e.source?.poolName && e.lineNumber));
    assert.ok(incoming.some((e) => e.source?.utmSource === 'google' && e.source.utmMedium === 'cpc' && e.source.gclid));
    assert.ok(incoming.some((e) => e.source?.poolName === 'Контекстная реклама'));
  });

  it('handles a project with no employees and zero calls', () => {
    assert.deepEqual(simulateCalls({ ...options, calls: 0 }), []);
    const fallback = simulateCalls({ ...options, calls: 50, employees: [] });
    assert.ok(fallback.some((c) => c.events.some((e) => e.employee?.staffId)));
  });
});
