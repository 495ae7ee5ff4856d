/**
 * Dates as Bitrix24 prints them: ISO-8601 with the portal's offset (`2024-01-20T18:35:32+03:00`),
 * and the `time` block every answer carries (research §1.3).
 */

const pad = (n: number, width = 2): string => String(Math.trunc(Math.abs(n))).padStart(width, '0');

function offsetSuffix(offsetMin: number): string {
  const sign = offsetMin < 0 ? '-' : '+';
  return `${sign}${pad(Math.abs(offsetMin) / 60)}:${pad(Math.abs(offsetMin) % 60)}`;
}

/** The wall-clock parts of `ms` in a zone `offsetMin` minutes east of UTC. */
function wall(ms: number, offsetMin: number): Date {
  return new Date(ms + offsetMin * 60_000);
}

export function formatDateTime(ms: number, offsetMin: number): string {
  const d = wall(ms, offsetMin);
  const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  return `${date}T${time}${offsetSuffix(offsetMin)}`;
}

/** `date`-typed fields (BEGINDATE, CLOSEDATE, BIRTHDATE) come back as local midnight. */
export function formatDate(ms: number, offsetMin: number): string {
  const d = wall(ms, offsetMin);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T00:00:00${offsetSuffix(offsetMin)}`;
}

/**
 * Accepts what callers send: ISO with an offset or Z, ISO without a zone (taken as portal-local,
 * like Bitrix24 takes it in the user's zone), and the Russian site format `DD.MM.YYYY HH:MM:SS`.
 */
export function parseDateInput(value: unknown, offsetMin: number): number | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const text = value.trim();
  const ru = /^(\d{2})\.(\d{2})\.(\d{4})(?:\s+(\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(text);
  if (ru) {
    const [, dd, mm, yyyy, hh = '00', mi = '00', ss = '00'] = ru;
    return Date.parse(`${yyyy}-${mm}-${dd}T${hh}:${mi}:${ss}Z`) - offsetMin * 60_000;
  }
  const local = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?))?$/.exec(text);
  if (local) {
    const ms = Date.parse(`${local[1]}T${local[2] ?? '00:00:00'}Z`);
    return Number.isNaN(ms) ? undefined : ms - offsetMin * 60_000;
  }
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

export interface TimeBlock {
  start: number;
  finish: number;
  duration: number;
  processing: number;
  date_start: string;
  date_finish: string;
  operating_reset_at: number;
  operating: number;
}

/**
 * `operating` is the method's accumulated execution time in the 10-minute window; the sandbox
 * never approaches the operating limit, so this call's processing time stands in for it.
 */
export function timeBlock(startMs: number, processingStartMs: number, finishMs: number, offsetMin: number): TimeBlock {
  const processing = (finishMs - processingStartMs) / 1000;
  return {
    start: startMs / 1000,
    finish: finishMs / 1000,
    duration: (finishMs - startMs) / 1000,
    processing,
    date_start: formatDateTime(startMs, offsetMin),
    date_finish: formatDateTime(finishMs, offsetMin),
    operating_reset_at: Math.floor(startMs / 1000) + 600,
    operating: processing,
  };
}
