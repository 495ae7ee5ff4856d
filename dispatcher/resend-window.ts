import { localDayMs, startOfLocalDay } from '../platform/time-zone';

/**
 * The start of the resend window after a reactivation (T3): the two previous calendar days
 * plus today, counted in the project's own time zone, so "the day before yesterday" means
 * what the project's managers mean by it, not what UTC means.
 */

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * T3: where the resend after a reactivation starts — the first instant of the day before
 * yesterday in `timeZone` (an IANA name, e.g. the project's `timeZone`), so that the window
 * holds the two previous calendar days plus today. Throws RangeError for an unknown zone.
 */
export function resendWindowStart(now: Date, timeZone: string): Date {
  const today = localDayMs(now.getTime(), timeZone);
  // Calendar days, not 48 hours: wall-clock midnights are exactly a day apart when read as UTC.
  return startOfLocalDay(today - 2 * DAY_MS, timeZone);
}
