import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resendWindowStart } from '../../dispatcher/resend-window';

/** Wall clock of an instant in a zone, "YYYY-MM-DD HH:mm:ss", computed apart from the code under test. */
const wallFormats = new Map<string, Intl.DateTimeFormat>();
function wallClock(instant: Date | number, timeZone: string): string {
  let format = wallFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
    wallFormats.set(timeZone, format);
  }
  const parts = format.formatToParts(instant);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}:${get('second')}`;
}

function start(now: string, timeZone: string): string {
  return resendWindowStart(new Date(now), timeZone).toISOString();
}

/**
 * The first local day of `year` in `timeZone` on which 00:00 never shows on the clock, found
 * from the zone data itself (stepping hour by hour) rather than from remembered DST rules.
 */
function findDayWithoutMidnight(timeZone: string, year: number): string | undefined {
  for (let t = Date.UTC(year, 0, 1); t < Date.UTC(year + 1, 0, 1); t += 15 * 60 * 1000) {
    const before = wallClock(t, timeZone);
    const after = wallClock(t + 15 * 60 * 1000, timeZone);
    if (before.slice(0, 10) !== after.slice(0, 10) && !after.endsWith(' 00:00:00')) return after.slice(0, 10);
  }
  return undefined;
}

describe('T3 resend window: two previous calendar days plus today, in the project time zone', () => {
  it('T3 Europe/Kyiv in summer (+03:00)', () => {
    assert.equal(start('2026-06-10T12:00:00Z', 'Europe/Kyiv'), '2026-06-07T21:00:00.000Z');
  });

  it('T3 UTC, across a year boundary and a leap day', () => {
    assert.equal(start('2026-01-01T00:00:00Z', 'UTC'), '2025-12-30T00:00:00.000Z');
    assert.equal(start('2028-03-01T05:00:00Z', 'UTC'), '2028-02-28T00:00:00.000Z');
    assert.equal(start('2026-05-05T23:59:59.999Z', 'UTC'), '2026-05-03T00:00:00.000Z');
  });

  it('T3 America/New_York: the window starts before the spring change, in EST', () => {
    // DST began 2026-03-08; 2026-03-07 00:00 EST (-05:00).
    assert.equal(start('2026-03-09T12:00:00Z', 'America/New_York'), '2026-03-07T05:00:00.000Z');
  });

  it('T3 America/Los_Angeles: the local day differs from the UTC day', () => {
    // 07:30Z on Nov 2 is still Nov 1, 23:30 PST; the window opens on Oct 30, 00:00 PDT (-07:00).
    assert.equal(start('2026-11-02T07:30:00Z', 'America/Los_Angeles'), '2026-10-30T07:00:00.000Z');
  });

  it('T3 Asia/Kolkata (+05:30): half-hour offset, either side of local midnight', () => {
    assert.equal(start('2026-05-05T18:29:59Z', 'Asia/Kolkata'), '2026-05-02T18:30:00.000Z');
    assert.equal(start('2026-05-05T18:30:00Z', 'Asia/Kolkata'), '2026-05-03T18:30:00.000Z');
  });

  it('T3 Pacific/Kiritimati (+14:00): the local date runs a day ahead of UTC', () => {
    assert.equal(start('2026-01-15T09:00:00Z', 'Pacific/Kiritimati'), '2026-01-12T10:00:00.000Z');
    assert.equal(start('2026-01-15T10:00:00Z', 'Pacific/Kiritimati'), '2026-01-13T10:00:00.000Z');
  });

  it('T3 a now just after and just before local midnight', () => {
    // 2026-06-11 00:00:01 in Kyiv: today is the 11th, so the window opens on the 9th.
    assert.equal(start('2026-06-10T21:00:01Z', 'Europe/Kyiv'), '2026-06-08T21:00:00.000Z');
    assert.equal(start('2026-06-10T21:00:00Z', 'Europe/Kyiv'), '2026-06-08T21:00:00.000Z');
    assert.equal(start('2026-06-10T20:59:59.999Z', 'Europe/Kyiv'), '2026-06-07T21:00:00.000Z');
  });

  it('T3 across the spring DST change in Europe/Kyiv (2026-03-29)', () => {
    // The window opens at 2026-03-28 00:00+02:00 although now is in +03:00.
    assert.equal(start('2026-03-30T10:00:00Z', 'Europe/Kyiv'), '2026-03-27T22:00:00.000Z');
    assert.equal(start('2026-03-31T10:00:00Z', 'Europe/Kyiv'), '2026-03-28T22:00:00.000Z');
    // The 23-hour day itself starts at 00:00+02:00; the last second of 2026-03-31 still opens it.
    assert.equal(start('2026-03-31T20:59:59Z', 'Europe/Kyiv'), '2026-03-28T22:00:00.000Z');
    assert.equal(start('2026-03-31T21:00:00Z', 'Europe/Kyiv'), '2026-03-29T21:00:00.000Z');
  });

  it('T3 across the autumn DST change in Europe/Kyiv (2026-10-25)', () => {
    assert.equal(start('2026-10-26T10:00:00Z', 'Europe/Kyiv'), '2026-10-23T21:00:00.000Z');
    // The 25-hour day starts at 00:00+03:00, before the clocks go back at 04:00.
    assert.equal(start('2026-10-27T10:00:00Z', 'Europe/Kyiv'), '2026-10-24T21:00:00.000Z');
    assert.equal(start('2026-10-28T10:00:00Z', 'Europe/Kyiv'), '2026-10-25T22:00:00.000Z');
  });

  for (const timeZone of ['America/Santiago', 'America/Havana']) {
    it(`T3 ${timeZone}: a day whose midnight is skipped starts at the first instant that exists`, (t) => {
      const day = findDayWithoutMidnight(timeZone, 2026);
      if (!day) {
        t.skip(`this ICU has no skipped midnight in ${timeZone} in 2026`);
        return;
      }
      // Noon two local days later: the skipped day is the first of the window.
      const [y, m, d] = day.split('-').map(Number) as [number, number, number];
      const now = new Date(Date.UTC(y, m - 1, d + 2, 16));
      assert.equal(wallClock(now, timeZone).slice(0, 10), new Date(Date.UTC(y, m - 1, d + 2)).toISOString().slice(0, 10));

      const result = resendWindowStart(now, timeZone);
      assert.equal(wallClock(result, timeZone).slice(0, 10), day, 'the window starts on that day');
      assert.notEqual(wallClock(result.getTime() - 1, timeZone).slice(0, 10), day, 'one millisecond earlier is the day before');
      assert.notEqual(wallClock(result, timeZone).slice(11), '00:00:00', 'midnight really was skipped');
    });
  }

  it('T3 America/Santiago (2026-09-06) and America/Havana (2026-03-08): start at 01:00 after the jump', () => {
    assert.equal(start('2026-09-08T16:00:00Z', 'America/Santiago'), '2026-09-06T04:00:00.000Z');
    assert.equal(start('2026-03-10T16:00:00Z', 'America/Havana'), '2026-03-08T05:00:00.000Z');
  });

  it('T3 a midnight that happens twice (Havana, 2026-11-01) starts the day at its first occurrence', () => {
    const result = resendWindowStart(new Date('2026-11-03T16:00:00Z'), 'America/Havana');
    assert.equal(result.toISOString(), '2026-11-01T04:00:00.000Z');
    assert.equal(wallClock(result, 'America/Havana'), '2026-11-01 00:00:00');
  });

  it('T3 Santiago autumn: midnight after clocks go back at 24:00 to 23:00', () => {
    // 2026-04-05 00:00 exists once, in -04:00.
    assert.equal(start('2026-04-07T16:00:00Z', 'America/Santiago'), '2026-04-05T04:00:00.000Z');
  });

  it('T3 every start is a local midnight or the first instant of its local day, all year long', () => {
    for (const timeZone of ['Europe/Kyiv', 'America/Santiago', 'America/Havana', 'Australia/Lord_Howe', 'Asia/Kathmandu']) {
      for (let t = Date.UTC(2026, 0, 1, 5, 17); t < Date.UTC(2027, 0, 1); t += 7 * 60 * 60 * 1000) {
        const result = resendWindowStart(new Date(t), timeZone);
        const day = wallClock(result, timeZone).slice(0, 10);
        assert.notEqual(wallClock(result.getTime() - 1, timeZone).slice(0, 10), day, `${timeZone} ${new Date(t).toISOString()}`);
        const days = (Date.parse(wallClock(t, timeZone).slice(0, 10)) - Date.parse(day)) / 86_400_000;
        assert.equal(days, 2, `${timeZone} ${new Date(t).toISOString()}: window opens two local days back`);
      }
    }
  });

  it('T3 rejects an unknown time zone', () => {
    assert.throws(() => resendWindowStart(new Date(), 'Mars/Olympus_Mons'), RangeError);
  });
});
