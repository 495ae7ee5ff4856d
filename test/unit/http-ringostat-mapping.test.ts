/**
 * B5 / docs/contracts.md §1: Ringostat webhook payloads (every webhook version's field names) onto
 * the call-event schema. Payloads modelled on Ringostat's documented webhook and call-log payloads.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mapRingostatPayload, ringostatEventId, type MapContext, type MapResult } from '../../ringostat/payload-mapping';
import { parseRingostatDate } from '../../ringostat/dates';
import { callEventSchema, type CallEvent } from '../../schemas/call-event';

const context: MapContext = { projectId: 'acme', timeZone: 'Europe/Kyiv', receivedAt: new Date('2025-03-14T09:00:00Z') };

function ok(result: MapResult): { event: CallEvent; warnings: Array<{ field: string; reason: string }> } {
  if (!result.ok) assert.fail(`expected a mapped event, got ${result.error.field}: ${result.error.reason}`);
  assert.equal(callEventSchema.safeParse(result.event).success, true, 'the event passes the contract schema');
  return result;
}

function err(result: MapResult): { field: string; reason: string } {
  if (result.ok) assert.fail(`expected a refusal, got ${JSON.stringify(result.event)}`);
  return result.error;
}

/** Webhooks 2.0, JSON body, the after-call webhook of an answered incoming call. */
const answeredIncoming = {
  uniqueid: 'ua-1710407730.481516',
  calldate: '2025-03-14 10:15:30',
  caller: '380671234567',
  dst: '380441112233',
  call_type: 'in',
  disposition: 'ANSWERED',
  billsec: '65',
  waittime: '7',
  duration: '72',
  recording: 'https://app.ringostat.com/recordings/ua-1710407730.481516.mp3',
  employee_number: '101',
  employee_fio: 'Olena Koval',
  connected_with: 'olena_sip',
  pool_name: 'Контекстная реклама',
  utm_source: 'google',
  utm_medium: 'cpc',
  utm_campaign: 'brand',
  utm_content: 'ad-1',
  utm_term: 'купити диван',
  client_id: '1234567890.1700000000',
  landing: 'https://shop.example/sofa?utm_source=google',
  refferrer: 'https://www.google.com/',
  gclid: 'Cj0KCQjw',
  insertion_type: 'dynamic',
  call_card: 'https://app.ringostat.com/call/ua-1710407730.481516',
  proper_flag: '1',
};

void describe('mapRingostatPayload: a full after-call webhook', () => {
  void it('maps every documented field onto the event and keeps the rest in extra, the payload in raw', () => {
    const { event, warnings } = ok(mapRingostatPayload(answeredIncoming, context));
    assert.deepEqual(warnings, []);
    assert.equal(event.schema, 'ringostat.call-event/v1');
    assert.equal(event.projectId, 'acme');
    assert.equal(event.callId, 'ua-1710407730.481516');
    assert.equal(event.type, 'call.ended');
    assert.equal(event.eventId, 'ringostat:ua-1710407730.481516:ended');
    assert.equal(event.direction, 'incoming');
    assert.equal(event.clientNumber, '380671234567');
    assert.equal(event.lineNumber, '380441112233');
    assert.equal(event.disposition, 'answered');
    assert.equal(event.rawDisposition, 'ANSWERED');
    assert.equal(event.talkSeconds, 65);
    assert.equal(event.waitSeconds, 7);
    // 10:15:30 in Kyiv (UTC+2 in March) plus the 72 s the call lasted.
    assert.equal(event.occurredAt, '2025-03-14T08:16:42.000Z');
    assert.equal(event.recordingUrl, answeredIncoming.recording);
    assert.deepEqual(event.employee, { staffId: '101', name: 'Olena Koval', sip: 'olena_sip' });
    assert.deepEqual(event.source, {
      utmSource: 'google', utmMedium: 'cpc', utmCampaign: 'brand', utmContent: 'ad-1', utmTerm: 'купити диван',
      gclid: 'Cj0KCQjw', gaClientId: '1234567890.1700000000', poolName: 'Контекстная реклама',
      landingPage: 'https://shop.example/sofa?utm_source=google', referrer: 'https://www.google.com/',
    });
    assert.deepEqual(event.extra, {
      duration: '72', insertion_type: 'dynamic', call_card: answeredIncoming.call_card, proper_flag: '1', connected_with: 'olena_sip',
    });
    assert.deepEqual(event.raw, answeredIncoming);
  });

  void it('the same webhook sent twice gets the same eventId; each stage its own', () => {
    const first = ok(mapRingostatPayload(answeredIncoming, context)).event;
    const again = ok(mapRingostatPayload({ ...answeredIncoming }, { ...context, receivedAt: new Date() })).event;
    const ringing = ok(mapRingostatPayload(answeredIncoming, { ...context, event: 'ringing' })).event;
    assert.equal(again.eventId, first.eventId);
    assert.equal(ringing.eventId, 'ringostat:ua-1710407730.481516:ringing');
    assert.equal(ringing.type, 'call.ringing');
    assert.equal(ringing.occurredAt, '2025-03-14T08:15:30.000Z', 'ringing happens at calldate');
  });

  void it('a call id too long for a readable eventId is hashed, still deterministic and ≤ 128', () => {
    const callId = 'x'.repeat(120);
    const id = ringostatEventId(callId, 'call.ended');
    assert.match(id, /^ringostat:sha256:[0-9a-f]{64}$/);
    assert.equal(id, ringostatEventId(callId, 'call.ended'));
    assert.notEqual(id, ringostatEventId(callId, 'call.answered'));
  });
});

void describe('mapRingostatPayload: field names of other webhook versions', () => {
  void it('classic webhook (query string): call_id, caller with a + decoded as a space, status NO+ANSWER', () => {
    // `?call_id=…&caller=+380…&status=NO+ANSWER` after form decoding.
    const { event } = ok(mapRingostatPayload({
      call_id: '1710407730.9', caller: ' 380501112233', callee: '0441112233', status: 'NO ANSWER', call_type: 'in',
      employee_number: '102', waittime: '25', billsec: '0',
    }, context));
    assert.equal(event.callId, '1710407730.9');
    assert.equal(event.clientNumber, '+380501112233', 'the + comes back');
    assert.equal(event.lineNumber, '0441112233');
    assert.equal(event.disposition, 'no_answer');
    assert.equal(event.employee, undefined, 'nobody answered: no employee (docs/contracts.md §1)');
    assert.equal(event.occurredAt, context.receivedAt.toISOString(), 'no calldate: the arrival time');
  });

  void it('cdr_id and dst (Webhooks 2.0) on an outgoing call: the client is dst, the employee the SIP caller', () => {
    const { event } = ok(mapRingostatPayload({
      cdr_id: 'ua-out-1', caller: '"p_olena" <p_olena>', dst: '067 123 45 67', call_type: 'out', disposition: 'BUSY', billsec: 0,
    }, context));
    assert.equal(event.direction, 'outgoing');
    assert.equal(event.clientNumber, '067 123 45 67');
    assert.equal(event.lineNumber, undefined);
    assert.deepEqual(event.employee, { sip: 'p_olena' });
    assert.equal(event.disposition, 'busy');
    assert.equal(event.talkSeconds, 0);
  });

  void it('without call_type, a SIP caller dialling a number is taken as outgoing, with a warning', () => {
    const { event, warnings } = ok(mapRingostatPayload({ uniqueid: 'u-2', caller: 'sip:olena@pbx', dst: '+380671234567', disposition: 'ANSWERED' }, context));
    assert.equal(event.direction, 'outgoing');
    assert.equal(event.clientNumber, '+380671234567');
    assert.deepEqual(event.employee, { sip: 'olena@pbx' });
    assert.deepEqual(warnings.map((w) => w.field), ['call_type']);
  });

  void it('call_type callback / transitin / transitout; insertion_type callback marks a callback', () => {
    const base = { uniqueid: 'u-3', caller: '380671234567', dst: '380441112233', disposition: 'CLIENT NO ANSWER' };
    assert.equal(ok(mapRingostatPayload({ ...base, call_type: 'callback' }, context)).event.direction, 'callback');
    assert.equal(ok(mapRingostatPayload({ ...base, call_type: 'transitin' }, context)).event.direction, 'transit');
    assert.equal(ok(mapRingostatPayload({ ...base, call_type: 'transitout' }, context)).event.direction, 'transit');
    const viaInsertion = ok(mapRingostatPayload({ ...base, call_type: 'in', insertion_type: 'callback' }, context)).event;
    assert.equal(viaInsertion.direction, 'callback');
    assert.equal(viaInsertion.disposition, 'no_answer');
    assert.equal(viaInsertion.extra?.insertion_type, 'callback', 'insertion_type stays usable in custom fields');
  });

  void it('JSON-RPC wrapping and a nested additional_call_data object', () => {
    const { event } = ok(mapRingostatPayload({
      jsonrpc: '2.0', method: 'call.end', id: 7,
      params: { uniqueid: 'u-rpc', caller: '380671234567', disposition: 'PROPER', additional_call_data: { dst: '380441112233', call_type: 'in', userfield: 'vip' } },
    }, context));
    assert.equal(event.callId, 'u-rpc');
    assert.equal(event.lineNumber, '380441112233');
    assert.equal(event.disposition, 'answered');
    assert.equal(event.extra?.userfield, 'vip');
  });

  void it('camelCase and upper-case keys are read too', () => {
    const { event } = ok(mapRingostatPayload({ UNIQUEID: 'u-case', Caller: '380671234567', Disposition: 'VOICEMAIL', Recording: 'https://r.example/vm.mp3' }, context));
    assert.equal(event.callId, 'u-case');
    assert.equal(event.disposition, 'voicemail');
    assert.equal(event.recordingUrl, 'https://r.example/vm.mp3');
  });
});

void describe('mapRingostatPayload: dispositions', () => {
  const cases: Array<[string, string]> = [
    ['ANSWERED', 'answered'], ['PROPER', 'answered'], ['REPEATED', 'answered'],
    ['NO ANSWER', 'no_answer'], ['NO+ANSWER', 'no_answer'], ['NO_ANSWER', 'no_answer'], ['no%20answer', 'no_answer'],
    ['CLIENT NO ANSWER', 'no_answer'], ['CLIENT_NO_ANSWER', 'no_answer'],
    ['BUSY', 'busy'],
    ['FAILED', 'failed'], ['NO-FORWARD', 'failed'], ['NO_FORWARD', 'failed'], ['WRONG EXTENSION', 'failed'], ['WRONG+EXTENSION', 'failed'],
    ['NO EXTENSION', 'failed'], ['FAILED FORBIDDEN DESTINATION', 'failed'], ['FAILED_FORBIDDEN_DESTINATION', 'failed'],
    ['VOICEMAIL', 'voicemail'],
  ];
  for (const [word, expected] of cases) {
    void it(`${word} → ${expected}`, () => {
      const { event } = ok(mapRingostatPayload({ uniqueid: 'u', caller: '380671234567', disposition: word }, context));
      assert.equal(event.disposition, expected);
    });
  }

  void it('rawDisposition keeps Ringostat\'s word for reports (decoded)', () => {
    assert.equal(ok(mapRingostatPayload({ uniqueid: 'u', caller: '380671234567', disposition: 'NO-FORWARD' }, context)).event.rawDisposition, 'NO-FORWARD');
    assert.equal(ok(mapRingostatPayload({ uniqueid: 'u', caller: '380671234567', disposition: 'no+answer' }, context)).event.rawDisposition, 'NO ANSWER');
  });

  void it('an unknown word with a talk time is judged by billsec, with a warning', () => {
    const talked = ok(mapRingostatPayload({ uniqueid: 'u', caller: '380671234567', disposition: 'SOMETHING NEW', billsec: '12' }, context));
    assert.equal(talked.event.disposition, 'answered');
    assert.equal(talked.event.rawDisposition, 'SOMETHING NEW');
    assert.deepEqual(talked.warnings.map((w) => w.field), ['disposition']);
    const silent = ok(mapRingostatPayload({ uniqueid: 'u', caller: '380671234567', billsec: '0' }, context));
    assert.equal(silent.event.disposition, 'no_answer');
  });

  void it('ringing and answered events need no disposition', () => {
    const answered = ok(mapRingostatPayload({ uniqueid: 'u', caller: '380671234567', employee_number: '101', calldate: '2025-03-14 10:15:30', waittime: '5' }, { ...context, event: 'answered' })).event;
    assert.equal(answered.type, 'call.answered');
    assert.equal(answered.disposition, undefined);
    assert.deepEqual(answered.employee, { staffId: '101' });
    assert.equal(answered.occurredAt, '2025-03-14T08:15:35.000Z', 'answered after the wait');
  });
});

void describe('mapRingostatPayload: refusals name the field', () => {
  void it('no call id', () => {
    assert.deepEqual(err(mapRingostatPayload({ caller: '380671234567', disposition: 'ANSWERED' }, context)).field, 'uniqueid');
  });
  void it('no client number (caller on incoming, dst on outgoing)', () => {
    assert.equal(err(mapRingostatPayload({ uniqueid: 'u', disposition: 'ANSWERED' }, context)).field, 'caller');
    assert.equal(err(mapRingostatPayload({ uniqueid: 'u', call_type: 'out', disposition: 'ANSWERED' }, context)).field, 'dst');
  });
  void it('unknown call_type', () => {
    const error = err(mapRingostatPayload({ uniqueid: 'u', caller: '380671234567', call_type: 'sideways', disposition: 'ANSWERED' }, context));
    assert.equal(error.field, 'call_type');
    assert.match(error.reason, /sideways/);
  });
  void it('after-call webhook without disposition nor billsec', () => {
    const error = err(mapRingostatPayload({ uniqueid: 'u', caller: '380671234567' }, context));
    assert.equal(error.field, 'disposition');
    assert.match(error.reason, /required/);
  });
  void it('an unknown ?event= (the operator\'s URL) is refused; an unknown payload event only warns', () => {
    assert.equal(err(mapRingostatPayload({ uniqueid: 'u', caller: '380671234567' }, { ...context, event: 'exploded' })).field, 'event');
    const lenient = ok(mapRingostatPayload({ uniqueid: 'u', caller: '380671234567', event: 'call_rated_v3', disposition: 'BUSY' }, context));
    assert.equal(lenient.event.type, 'call.ended');
    assert.deepEqual(lenient.warnings.map((w) => w.field), ['event']);
  });
  void it('a call id longer than 128 characters', () => {
    assert.equal(err(mapRingostatPayload({ cdr_id: 'c'.repeat(129), caller: '380671234567', disposition: 'BUSY' }, context)).field, 'cdr_id');
  });
});

void describe('mapRingostatPayload: lenient on optional fields, strict on secrets', () => {
  void it('a malformed billsec, recording or date is dropped with a warning, the call kept', () => {
    const { event, warnings } = ok(mapRingostatPayload({
      uniqueid: 'u', caller: '380671234567', disposition: 'ANSWERED', billsec: 'abc', recording: 'not a url', calldate: 'yesterday',
    }, context));
    assert.equal(event.talkSeconds, undefined);
    assert.equal(event.recordingUrl, undefined);
    assert.equal(event.occurredAt, context.receivedAt.toISOString());
    assert.deepEqual(warnings.map((w) => w.field).sort(), ['billsec', 'calldate', 'recording']);
  });

  void it('empty values count as absent and never reach extra', () => {
    const { event } = ok(mapRingostatPayload({ uniqueid: 'u', caller: '380671234567', disposition: 'BUSY', recording: '', utm_source: 'null', custom_tag: '' }, context));
    assert.equal(event.recordingUrl, undefined);
    assert.equal(event.source, undefined);
    assert.equal(event.extra, undefined);
  });

  void it('credential-looking keys never reach raw or extra (R4)', () => {
    const { event } = ok(mapRingostatPayload({ uniqueid: 'u', caller: '380671234567', disposition: 'BUSY', token: 's3cr3t-token-value', Authorization: 'Bearer x', tenant: 'acme' }, context));
    assert.equal(JSON.stringify(event).includes('s3cr3t'), false);
    assert.equal(JSON.stringify(event).includes('Bearer'), false);
    assert.deepEqual(event.extra, { tenant: 'acme' });
  });

  void it('internal calls and transfers are flagged (S7)', () => {
    const internal = ok(mapRingostatPayload({ uniqueid: 'u', caller: '101', dst: '102', call_type: 'internal', disposition: 'ANSWERED' }, context)).event;
    assert.equal(internal.internal, true);
    const transferred = ok(mapRingostatPayload({ uniqueid: 'u', caller: '380671234567', disposition: 'ANSWERED', employee_number: '102', transferred_from: '101' }, context)).event;
    assert.deepEqual(transferred.transferredFrom, { extension: '101' });
  });

  void it('talkSeconds from duration − waittime when billsec is missing on an answered call', () => {
    const { event } = ok(mapRingostatPayload({ uniqueid: 'u', caller: '380671234567', disposition: 'ANSWERED', duration: '0:01:30', waittime: '10' }, context));
    assert.equal(event.talkSeconds, 80);
  });
});

void describe('parseRingostatDate', () => {
  void it('reads Ringostat\'s date formats in the project\'s zone, across DST', () => {
    const kyiv = 'Europe/Kyiv';
    assert.equal(new Date(parseRingostatDate('2025-03-14 10:15:30', kyiv) ?? 0).toISOString(), '2025-03-14T08:15:30.000Z');
    assert.equal(new Date(parseRingostatDate('2025-07-01 12:00:00', kyiv) ?? 0).toISOString(), '2025-07-01T09:00:00.000Z');
    assert.equal(new Date(parseRingostatDate('01.07.2025 12:00:00', kyiv) ?? 0).toISOString(), '2025-07-01T09:00:00.000Z');
    assert.equal(new Date(parseRingostatDate('2025-07-01T12:00:00+03:00', kyiv) ?? 0).toISOString(), '2025-07-01T09:00:00.000Z');
    assert.equal(parseRingostatDate('1751371200', kyiv), 1751371200_000);
    assert.equal(parseRingostatDate('2025-13-01 00:00:00', kyiv), undefined);
    assert.equal(parseRingostatDate('soon', kyiv), undefined);
  });
});
