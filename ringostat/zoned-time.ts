/**
 * Ringostat prints dates in a format chosen per webhook, usually `YYYY-MM-DD HH:MM:SS` in the
 * project's local time with no offset. Events need an absolute time (ISO with offset), so a
 * wall-clock time is placed in the project's IANA zone here — no date library needed.
 */

const WALL = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?$/;
const WALL_DMY = /^(\d{2})\.(\d{2})\.(\d{4})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/;
const HAS_OFFSET = /(?:Z|[+-]\d{2}:?\d{2})$/i;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The zone's offset from UTC at instant `utcMs`, in ms (e.g. +2 h for Kyiv in winter). */
function offsetAt(utcMs: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(new Date(utcMs))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const asUtc = Date.UTC(parts.year ?? 1970, (parts.month ?? 1) - 1, parts.day ?? 1, parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0);
  return asUtc - Math.floor(utcMs / 1000) * 1000;
}

/** Wall-clock fields in `timeZone` → epoch ms. Two passes settle the offset across a DST switch. */
export function zonedWallTimeToEpoch(fields: [number, number, number, number, number, number], timeZone: string): number {
  const [y, mo, d, h, mi, s] = fields;
  const wall = Date.UTC(y, mo - 1, d, h, mi, s);
  let utc = wall - offsetAt(wall, timeZone);
  utc = wall - offsetAt(utc, timeZone);
  return utc;
}

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
  const parts: Record<string, string> = {};
  for (const part of formatter(timeZone).formatToParts(new Date(epochMs))) parts[part.type] = part.value;
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
}
