import { formatWallTime, zonedWallTimeToEpoch } from '../platform/time-zone';

/**
 * Ringostat prints dates in a format chosen per webhook, usually `YYYY-MM-DD HH:MM:SS` in the
 * project's local time with no offset. Events need an absolute time (ISO with offset), so a
 * wall-clock time is placed in the project's IANA zone (platform/time-zone.ts).
 */

const WALL = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?$/;
const WALL_DMY = /^(\d{2})\.(\d{2})\.(\d{4})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/;
const HAS_OFFSET = /(?:Z|[+-]\d{2}:?\d{2})$/i;

/**
 * A Ringostat date (ISO with offset, `YYYY-MM-DD HH:MM:SS`, `DD.MM.YYYY HH:MM:SS`, Unix seconds
 * or milliseconds) → epoch ms, or undefined when it is none of those.
 */
export function parseRingostatDate(text: string, timeZone: string): number | undefined {
  const value = text.trim();
  if (/^\d{10}(?:\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  if (/^\d{13}$/.test(value)) return Number(value);
  if (HAS_OFFSET.test(value) && /^\d{4}-\d{2}-\d{2}/.test(value)) {
    const ms = Date.parse(value.replace(' ', 'T'));
    return Number.isNaN(ms) ? undefined : ms;
  }
  const iso = WALL.exec(value);
  if (iso) return checked(iso.slice(1, 7).map((p) => Number(p ?? 0)), timeZone);
  const dmy = WALL_DMY.exec(value);
  if (dmy) return checked([dmy[3], dmy[2], dmy[1], dmy[4], dmy[5], dmy[6]].map((p) => Number(p ?? 0)), timeZone);
  return undefined;
}

function checked(n: number[], timeZone: string): number | undefined {
  const [y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0] = n;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return undefined;
  return zonedWallTimeToEpoch([y, mo, d, h, mi, s], timeZone);
}

/** Epoch ms → `YYYY-MM-DD HH:MM:SS` on the wall clock of `timeZone`: how Ringostat's API takes dates. */
export function formatRingostatDate(epochMs: number, timeZone: string): string {
  return formatWallTime(epochMs, timeZone);
}
