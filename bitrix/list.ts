import type { BitrixClient } from './client';
import type { BatchCommand } from './batch';
import type { QueryParams } from './query';
import type { BitrixEnvelope } from './transport';

/** Bitrix24 list methods return fixed pages of 50 rows (research §4). */
export const PAGE_SIZE = 50;

export interface ListOptions<T> {
  /** Stop after this many rows. */
  limit?: number;
  /**
   * Full-scan mode (research §4, huge-data): `start: -1` (no COUNT) with `order {ID: ASC}` and
   * `filter {">ID": last}` — for big tables, where offsets get slow and rows may shift.
   */
  cursor?: boolean;
  /** Rows from a page's `result` (default: the result if it is an array, else its first array property, e.g. `{tasks: […]}`). */
  extract?: (result: unknown) => T[];
}

export async function listAll<T>(client: BitrixClient, method: string, params: QueryParams, options: ListOptions<T> = {}): Promise<T[]> {
  const extract = options.extract ?? (defaultExtract as (result: unknown) => T[]);
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  if (options.cursor) return cursorScan(client, method, params, extract, limit);

  const first = await client.callRaw(method, { ...params, start: 0 });
  const rows = extract(first.result);
  if (first.next === undefined || rows.length >= limit) return rows.slice(0, limit);
  if (first.total === undefined) return followNext(client, method, params, extract, limit, rows, first.next);
  // `total` is known after page one, so the other pages can go together in batch requests
  // instead of one round trip each.
  const total = Math.min(first.total, limit);
  const pages: Record<string, BatchCommand> = {};
  for (let start = first.next; start < total; start += PAGE_SIZE) {
    pages[`p${start}`] = { method, params: { ...params, start } };
  }
  const { results } = await client.batch(pages);
  for (const id of Object.keys(pages)) rows.push(...extract(results[id]));
  return rows.slice(0, limit);
}

/** A method that gives `next` but no `total`: one page after the other. */
async function followNext<T>(
  client: BitrixClient, method: string, params: QueryParams, extract: (result: unknown) => T[], limit: number, rows: T[], next: number,
): Promise<T[]> {
  let start: number | undefined = next;
  while (start !== undefined && rows.length < limit) {
    const page: BitrixEnvelope<unknown> = await client.callRaw(method, { ...params, start });
    const got = extract(page.result);
    rows.push(...got);
    start = got.length > 0 && page.next !== undefined && page.next > start ? page.next : undefined;
  }
  return rows.slice(0, limit);
}

async function cursorScan<T>(
  client: BitrixClient, method: string, params: QueryParams, extract: (result: unknown) => T[], limit: number,
): Promise<T[]> {
  const rows: T[] = [];
  const filter = (params.filter ?? params.FILTER ?? {}) as Record<string, unknown>;
  const filterKey = 'FILTER' in params && !('filter' in params) ? 'FILTER' : 'filter';
  let lastId = 0;
  for (;;) {
    const page = extract(
      await client.call(method, { ...params, order: { ID: 'ASC' }, [filterKey]: { ...filter, '>ID': lastId }, start: -1 }),
    );
    rows.push(...page);
    if (page.length < PAGE_SIZE || rows.length >= limit) break;
    const next = rowId(page[page.length - 1]);
    // A page whose rows have no ID cannot advance the cursor; stop rather than loop forever.
    if (next === undefined || next <= lastId) break;
    lastId = next;
  }
  return rows.slice(0, limit);
}

function rowId(row: unknown): number | undefined {
  if (!row || typeof row !== 'object') return undefined;
  const r = row as Record<string, unknown>;
  const id = Number(r.ID ?? r.id);
  return Number.isFinite(id) ? id : undefined;
}

function defaultExtract(result: unknown): unknown[] {
  if (Array.isArray(result)) return result;
  if (result && typeof result === 'object') {
    const arrays = Object.values(result as Record<string, unknown>).filter(Array.isArray);
    if (arrays.length === 1) return arrays[0] as unknown[];
  }
  return [];
}
