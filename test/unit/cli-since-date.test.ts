/** `--since DATE` (docs/contracts.md §4): without a zone, a date is the project's, not UTC's nor the machine's. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CliError } from '../../cli/context';
import { parseSince } from '../../cli/since-date';

const iso = (text: string, zone: string) => parseSince(text, zone).toISOString();

describe('replay --since in the project\'s time zone', () => {
  it('a bare date is the first instant of that local day', () => {
    assert.equal(iso('2026-11-20', 'Europe/Kyiv'), '2026-11-19T22:00:00.000Z');
    assert.equal(iso('2026-07-20', 'Europe/Kyiv'), '2026-07-19T21:00:00.000Z', 'summer time: UTC+3');
    assert.equal(iso('2026-11-20', 'America/New_York'), '2026-11-20T05:00:00.000Z');
    // Santiago skips midnight when summer time starts: the day begins at 01:00.
    assert.equal(iso('2026-09-06', 'America/Santiago'), '2026-09-06T04:00:00.000Z');
  });

  it('a date-time without a zone is the project\'s wall clock', () => {
    assert.equal(iso('2026-11-20T08:30', 'Europe/Kyiv'), '2026-11-20T06:30:00.000Z');
    assert.equal(iso('2026-11-20 08:30:15', 'America/New_York'), '2026-11-20T13:30:15.000Z');
  });

  it('an offset or Z is taken as given, whatever the project\'s zone', () => {
    assert.equal(iso('2026-11-20T08:00:00+02:00', 'America/New_York'), '2026-11-20T06:00:00.000Z');
    assert.equal(iso('2026-11-20T08:00:00Z', 'Europe/Kyiv'), '2026-11-20T08:00:00.000Z');
  });

  it('anything else is bad input (exit code 1), naming the option', () => {
    for (const text of ['yesterday', '2026-02-30', '2026-13-01T00:00', '']) {
      assert.throws(() => parseSince(text, 'Europe/Kyiv'), (err: unknown) => err instanceof CliError && err.exitCode === 1 && err.message.startsWith('--since: '), text);
    }
  });
});
