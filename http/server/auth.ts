import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Per-project token auth for the ingest and routing endpoints (R5). Ringostat can only put
 * static parameters in the URL (research A1), so `?token=` is accepted beside
 * `Authorization: Bearer`. The token never reaches a log line, Kafka or `raw` (R4).
 */

/** The token a caller presented, from the Authorization header or the query string. */
export function presentedToken(headers: Record<string, string | string[] | undefined>, query: unknown): string | undefined {
  const header = headers.authorization;
  const auth = Array.isArray(header) ? header[0] : header;
  const bearer = auth ? /^Bearer\s+(\S+)\s*$/i.exec(auth)?.[1] : undefined;
  if (bearer) return bearer;
  if (typeof query === 'object' && query !== null) {
    const token = (query as Record<string, unknown>).token;
    if (typeof token === 'string' && token !== '') return token;
    if (Array.isArray(token) && typeof token[0] === 'string') return token[0];
  }
  return undefined;
}

/**
 * Constant-time comparison. Hashing both sides first gives equal lengths, so neither the
 * content nor the length of the expected token leaks through timing.
 */
export function tokenMatches(expected: string, presented: string | undefined): boolean {
  if (presented === undefined) return false;
  const a = createHash('sha256').update(expected, 'utf8').digest();
  const b = createHash('sha256').update(presented, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/** The URL without its query string: what logs may show of a request. */
export function pathOnly(url: string): string {
  const at = url.indexOf('?');
  return at === -1 ? url : url.slice(0, at);
}
