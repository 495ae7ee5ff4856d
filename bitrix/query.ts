/**
 * PHP-style query encoding (`http_build_query`), which is how `batch` commands carry their
 * parameters: `crm.lead.add?fields[TITLE]=X&fields[PHONE][0][VALUE]=%2B380…`. JSON bodies
 * cannot be used inside a batch, so this must round-trip through PHP's `parse_str` exactly.
 */

export type QueryParams = Record<string, unknown>;

/**
 * Encodes params as `a[b][0][c]=v` pairs joined by `&`. Brackets stay literal (PHP accepts
 * both), key segments and values are percent-encoded. Like PHP: `undefined`/`null` are
 * dropped, booleans become 1/0 — which is why Bitrix24 flags should be passed as 'Y'/'N' —,
 * Dates become ISO-8601, and an empty array or object contributes nothing.
 */
export function toBitrixQuery(params: QueryParams): string {
  const pairs: string[] = [];
  for (const [key, value] of Object.entries(params)) append(pairs, encodeURIComponent(key), value);
  return pairs.join('&');
}

function append(pairs: string[], prefix: string, value: unknown): void {
  if (value === undefined || value === null) return;
  if (Array.isArray(value)) {
    value.forEach((item, i) => append(pairs, `${prefix}[${i}]`, item));
    return;
  }
  if (value instanceof Date) {
    pairs.push(`${prefix}=${encodeURIComponent(value.toISOString())}`);
    return;
  }
  if (typeof value === 'object') {
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      append(pairs, `${prefix}[${encodeURIComponent(key)}]`, item);
    }
    return;
  }
  if (typeof value === 'boolean') {
    pairs.push(`${prefix}=${value ? '1' : '0'}`);
    return;
  }
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'string') {
    pairs.push(`${prefix}=${encodeURIComponent(String(value))}`);
    return;
  }
  throw new TypeError(`cannot encode a ${typeof value} in a Bitrix24 query (key ${decodeURIComponent(prefix)})`);
}

/** `method?query` as a batch `cmd` entry; no `?` when there are no params. */
export function batchCommand(method: string, params: QueryParams | undefined): string {
  const query = params ? toBitrixQuery(params) : '';
  return query ? `${method}?${query}` : method;
}
