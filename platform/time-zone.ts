/**
 * Wall clocks of IANA time zones, on Intl alone (no date library): a project's managers count
 * days and read times on their own clock (the project's `timeZone`), while events and Temporal
 * need absolute instants. Everything that converts between the two goes through here.
 */

const DAY_MS = 24 * 60 * 60 * 1000;

export interface LocalDateTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

// Building a DateTimeFormat is costly (it loads ICU zone data); one per zone is enough.
const formats = new Map<string, Intl.DateTimeFormat>();

function formatFor(timeZone: string): Intl.DateTimeFormat {
  let format = formats.get(timeZone);
  if (!format) {
    // h23: some engines print midnight as "24" with hour12: false.
    format = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', era: 'short',
      year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    formats.set(timeZone, format);
  }
  return format;
}

/** The wall clock of `instantMs` in `timeZone` (to the second). Throws RangeError for an unknown zone. */
export function localDateTime(instantMs: number, timeZone: string): LocalDateTime {
  const fields: Record<string, string> = {};
  for (const part of formatFor(timeZone).formatToParts(instantMs)) fields[part.type] = part.value;
  const year = Number(fields.year);
  return {
    // Years before 1 AD come as "BC" years counted backwards; only proleptic years compare.
    year: fields.era === 'BC' || fields.era === 'B' ? 1 - year : year,
    month: Number(fields.month),
    day: Number(fields.day),
    hour: Number(fields.hour),
    minute: Number(fields.minute),
    second: Number(fields.second),
  };
}

/** Wall clock read as if it were UTC: lets local times be compared and shifted as numbers. */
export function wallMs(local: LocalDateTime): number {
  const date = new Date(0);
  // setUTCFullYear, not Date.UTC: Date.UTC maps years 0–99 onto 1900–1999.
  date.setUTCFullYear(local.year, local.month - 1, local.day);
  date.setUTCHours(local.hour, local.minute, local.second, 0);
  return date.getTime();
}

/** UTC offset of the zone at an instant, in ms (positive east of Greenwich, e.g. +2 h for Kyiv in winter). */
function offsetMs(instantMs: number, timeZone: string): number {
  const wholeSecond = Math.floor(instantMs / 1000) * 1000;
  return wallMs(localDateTime(wholeSecond, timeZone)) - wholeSecond;
}

/** Wall-clock fields in `timeZone` → epoch ms. Two passes settle the offset across a DST switch. */
export function zonedWallTimeToEpoch(fields: [number, number, number, number, number, number], timeZone: string): number {
  const [year, month, day, hour, minute, second] = fields;
  const wall = wallMs({ year, month, day, hour, minute, second });
  const first = wall - offsetMs(wall, timeZone);
  return wall - offsetMs(first, timeZone);
}

/** Epoch ms → `YYYY-MM-DD HH:MM:SS` on the wall clock of `timeZone`. */
export function formatWallTime(epochMs: number, timeZone: string): string {
  const t = localDateTime(epochMs, timeZone);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${String(t.year).padStart(4, '0')}-${two(t.month)}-${two(t.day)} ${two(t.hour)}:${two(t.minute)}:${two(t.second)}`;
}

/** The local day of `instantMs` in `timeZone`, as its midnight read as UTC (days are then DAY_MS apart). */
export function localDayMs(instantMs: number, timeZone: string): number {
  const local = localDateTime(instantMs, timeZone);
  return wallMs({ ...local, hour: 0, minute: 0, second: 0 });
}

/**
 * The first instant of the local day whose midnight, read as UTC, is `dayMs`: local midnight,
 * or, where a DST change skips midnight (e.g. America/Santiago, America/Havana), the moment
 * the clocks jump forward.
 */
export function startOfLocalDay(dayMs: number, timeZone: string): Date {
  // Offsets around that day cover both sides of any transition near midnight.
  const candidates = [offsetMs(dayMs - DAY_MS, timeZone), offsetMs(dayMs + DAY_MS, timeZone), offsetMs(dayMs, timeZone)]
    .map((offset) => dayMs - offset)
    .filter((instant) => wallMs(localDateTime(instant, timeZone)) === dayMs)
    .sort((a, b) => a - b);
  // Midnight that happens twice (clocks set back to 23:00 at 24:00) starts the day at its first occurrence.
  if (candidates[0] !== undefined) return new Date(candidates[0]);

  // Midnight never happens: the day starts when the clocks jump over it. Search the gap
  // between the instant that still reads the day before and the one that reads this day.
  let before = dayMs - offsetMs(dayMs + DAY_MS, timeZone);
  let after = dayMs - offsetMs(dayMs - DAY_MS, timeZone);
  if (localDayMs(before, timeZone) >= dayMs || localDayMs(after, timeZone) < dayMs) {
    throw new Error(`cannot find the start of ${new Date(dayMs).toISOString().slice(0, 10)} in ${timeZone}`);
  }
  while (after - before > 1) {
    const middle = Math.floor((before + after) / 2);
    if (localDayMs(middle, timeZone) >= dayMs) after = middle;
    else before = middle;
  }
  return new Date(after);
}
