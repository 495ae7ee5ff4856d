import { startOfLocalDay } from '../platform/time-zone';
import { parseRingostatDate } from '../ringostat/dates';
import { CliError } from './context';

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * `--since DATE` (docs/contracts.md §4): an instant with an offset as given; a date or a date-time
 * without one is read in `timeZone` (the project's), because "since the 20th" means the 20th of
 * the people who took the calls. A bare date is the first instant of that local day.
 */
export function parseSince(text: string, timeZone: string, option = '--since'): Date {
  const day = DAY.exec(text.trim());
  if (day) {
    const [year, month, date] = day.slice(1).map(Number) as [number, number, number];
    const wall = Date.UTC(year, month - 1, date);
    // Date.UTC rolls 2026-02-30 over into March; a real date reads back unchanged.
    if (new Date(wall).toISOString().slice(0, 10) === text.trim()) return startOfLocalDay(wall, timeZone);
  } else {
    const ms = parseRingostatDate(text, timeZone);
    if (ms !== undefined) return new Date(ms);
  }
  throw new CliError(`${option}: "${text}" is not a date (e.g. 2026-11-20, 2026-11-20T08:00 or 2026-11-20T08:00:00+02:00)`);
}
