/** docs/contracts.md §2 `ringostat:` block and the event's `reconciled` marker: strict keys, field-named messages. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, parseConfig } from '../../config/config-loader';
import { callEventSchema } from '../../schemas/call-event';
import { periodMs } from '../../schemas/project-config';

const HOOK = 'https://acme.bitrix24.ua/rest/1/s3cr3tc0de/';
const env = { RS_KEY: 'rs-key-0123456789' };
const config = (ringostat: Record<string, unknown>) => JSON.stringify({
  projects: [{ id: 'acme', bitrix24: { webhookUrl: HOOK }, seniorManager: 1, ringostat }],
});

function issuesOf(text: string): string[] {
  try {
    parseConfig(text, 'json', env);
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err.issues;
  }
  assert.fail('config was accepted');
}

describe('config: the ringostat block (B7, B9)', () => {
  it('is optional, takes the key from the environment and defaults the base URL', () => {
    const none = parseConfig(JSON.stringify({ projects: [{ id: 'a', bitrix24: { webhookUrl: HOOK }, seniorManager: 1 }] }), 'json', env);
    assert.equal(none.projects[0]?.ringostat, undefined);
    const set = parseConfig(config({ apiKey: '${RS_KEY}', projectId: '123456', reconcileEvery: '5m' }), 'json', env);
    assert.deepEqual(set.projects[0]?.ringostat, { apiKey: 'rs-key-0123456789', projectId: '123456', baseUrl: 'https://api.ringostat.net', reconcileEvery: '5m' });
  });

  it('accepts http:// for the loopback stand-in only', () => {
    assert.equal(parseConfig(config({ apiKey: 'k'.repeat(10), projectId: '1', baseUrl: 'http://127.0.0.1:8091' }), 'json', env)
      .projects[0]?.ringostat?.baseUrl, 'http://127.0.0.1:8091');
    assert.deepEqual(issuesOf(config({ apiKey: 'k'.repeat(10), projectId: '1', baseUrl: 'http://api.ringostat.net' })),
      ['projects[0].ringostat.baseUrl: must be https:// (http:// only for 127.0.0.1 or localhost)']);
  });

  it('names the field of every problem, unknown keys included, and never quotes the key', () => {
    const issues = issuesOf(config({ apiKey: 'short', projectId: 'acme', reconcileEvery: 'often', apikey: 'x' }));
    assert.deepEqual(issues.map((i) => i.split(':')[0]).sort(), [
      'projects[0].ringostat.apiKey', 'projects[0].ringostat.apikey', 'projects[0].ringostat.projectId', 'projects[0].ringostat.reconcileEvery',
    ]);
    assert.ok(issues.some((i) => /apikey: unknown field \(did you mean "apiKey"\?\)/.test(i)), issues.join('\n'));
    assert.ok(!issues.join('\n').includes('short'));
    assert.deepEqual(issuesOf(config({ projectId: '1' })), ['projects[0].ringostat.apiKey: is required (string)']);
  });

  it('reads periods in seconds, minutes, hours and days', () => {
    assert.deepEqual(['90s', '5m', '1h', '1d'].map(periodMs), [90_000, 300_000, 3_600_000, 86_400_000]);
  });
});

describe('call event: the reconciled marker (B7)', () => {
  const event = {
    schema: 'ringostat.call-event/v1', eventId: 'reconcile:c1', projectId: 'acme', callId: 'c1', type: 'call.ended',
    occurredAt: '2026-11-24T10:15:00+02:00', direction: 'incoming', clientNumber: '0981234567', disposition: 'no_answer',
  };
  it('is optional and boolean', () => {
    assert.equal(callEventSchema.parse(event).reconciled, undefined);
    assert.equal(callEventSchema.parse({ ...event, reconciled: true }).reconciled, true);
    assert.equal(callEventSchema.safeParse({ ...event, reconciled: 'yes' }).success, false);
  });
});
