import type { FastifyInstance } from 'fastify';

/**
 * Ringostat sends JSON, JSON-RPC or form fields depending on the webhook's "data format", and
 * the routing webhook may send no body at all. Every body becomes a plain object (or
 * undefined when empty); anything unreadable is a 400 that says why.
 */

export class BodyError extends Error {
  override readonly name = 'BodyError';
  readonly statusCode = 400;
}

/** `a=1&b=2` → `{ a: '1', b: '2' }`; a repeated key keeps its first value (Ringostat repeats none). */
export function parseForm(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(text)) {
    if (key !== '__proto__' && !(key in out)) out[key] = value;
  }
  return out;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new BodyError(`the body is not valid JSON: ${(err as Error).message}`);
  }
}

export function parseBody(text: string, contentType: string | undefined): unknown {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === 'application/json' || type.endsWith('+json')) return parseJson(trimmed);
  if (type === 'application/x-www-form-urlencoded') return parseForm(trimmed);
  // text/plain, a missing content type, anything else: read what can be read.
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) return parseJson(trimmed);
  if (trimmed.includes('=')) return parseForm(trimmed);
  throw new BodyError(`cannot read a ${type || 'body without a content type'}: send JSON or form fields`);
}

export function registerBodyParsers(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (request, body, done) => {
    try {
      done(null, parseBody(String(body), request.headers['content-type']));
    } catch (err) {
      done(err as Error, undefined);
    }
  });
}
