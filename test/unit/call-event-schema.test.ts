import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { callEventKey, callEventSchema } from '../../schemas/call-event';
import { decodeEvent } from '../../dispatcher/decode-event';
import { bridgeConfigSchema } from '../../schemas/project-config';

const valid = {
  schema: 'ringostat.call-event/v1',
  eventId: 'evt-1',
  projectId: 'acme',
  callId: 'ua-987h79879',
  type: 'call.ended',
  occurredAt: '2026-11-24T10:15:00+02:00',
  direction: 'incoming',
  clientNumber: '098 123 45 67',
  disposition: 'answered',
  talkSeconds: 42,
  recordingUrl: 'https://records.example/ua-987h79879.mp3',
  source: { utmSource: 'google', poolName: 'Контекстная реклама' },
  extra: { adGroup: 'brand' },
};

const config = bridgeConfigSchema.parse({
  projects: [{ id: 'acme', bitrix24: { webhookUrl: 'http://127.0.0.1:1/rest/1/abcdefghijklmnop/' }, seniorManager: 1 }],
});

describe('call event schema (docs/contracts.md §1)', () => {
  it('accepts a full event and keeps unknown top-level fields', () => {
    const parsed = callEventSchema.parse({ ...valid, futureField: 'kept' });
    assert.equal(parsed.callId, 'ua-987h79879');
    assert.equal((parsed as Record<string, unknown>).futureField, 'kept');
    assert.equal(callEventKey(parsed), 'acme:ua-987h79879');
  });

  it('requires disposition on call.ended only', () => {
    const { disposition: _omitted, ...ended } = valid;
    const result = callEventSchema.safeParse(ended);
    assert.equal(result.success, false);
    assert.deepEqual(result.error?.issues.map((i) => i.path.join('.')), ['disposition']);
    assert.equal(callEventSchema.safeParse({ ...ended, type: 'call.ringing' }).success, true);
  });

  for (const [field, value] of [
    ['occurredAt', '2026-11-24 10:15'],
    ['occurredAt', '2026-11-24T10:15:00'],
    ['projectId', 'acme corp'],
    ['direction', 'sideways'],
    ['disposition', 'ANSWERED'],
    ['talkSeconds', -1],
    ['recordingUrl', 'not a url'],
    ['schema', 'ringostat.call-event/v2'],
    ['eventId', ''],
  ] as const) {
    it(`rejects ${field}=${JSON.stringify(value)} naming the field`, () => {
      const result = callEventSchema.safeParse({ ...valid, [field]: value });
      assert.equal(result.success, false);
      assert.ok(result.error?.issues.some((i) => i.path[0] === field), `issue names ${field}`);
    });
  }
});

describe('decodeEvent (R2): every bad input gets a reason', () => {
  const bytes = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v));
  it('decodes a valid event and normalises the number to E.164 (B1)', () => {
    const decoded = decodeEvent(bytes(valid), config);
    assert.ok(decoded.ok);
    assert.equal(decoded.envelope.clientE164, '+380981234567');
  });
  it('names the reason for each kind of bad input', () => {
    const reasonOf = (value: Buffer | null) => { const d = decodeEvent(value, config); return d.ok ? 'ok' : d.reason; };
    assert.equal(reasonOf(null), 'not-json');
    assert.equal(reasonOf(bytes('{oops')), 'not-json');
    assert.equal(reasonOf(bytes({ ...valid, type: 'call.transferred' })), 'unknown-type');
    assert.equal(reasonOf(bytes({ ...valid, occurredAt: 'now' })), 'invalid-schema');
    assert.equal(reasonOf(bytes({ ...valid, projectId: 'other' })), 'unknown-project');
    assert.equal(reasonOf(Buffer.alloc(300 * 1024, 32)), 'oversized');
  });
});
