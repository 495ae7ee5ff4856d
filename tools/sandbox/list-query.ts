/**
 * Filter, order and paging shared by every list method (research §4). Filter keys carry an
 * operator prefix: `=` (default) `!`/`!=` `>` `>=` `<` `<=` `@`/`!@` (IN / NOT IN), `%`/`!%`
 * (substring), `=%`/`%=`/`!=%`/`!%=` (LIKE with the caller's own % and _). An array value
 * without a prefix means IN. String comparison is case-insensitive, as MySQL's _ci collations.
 */
import { parseDateInput } from './clock';
import type { FieldKind } from './crm-fields';
import { asList, isObject, isTruthyFlag, type Params } from './params';
import type { Rec } from './types';

export type Kind = FieldKind | 'bool' | 'list';
export type KindOf = (field: string) => Kind | undefined;

export const PAGE_SIZE = 50;

const OPERATORS = ['!=%', '!%=', '!@', '!%', '!=', '=%', '%=', '>=', '<=', '@', '%', '=', '>', '<', '!'] as const;
type Operator = (typeof OPERATORS)[number] | '';

function splitKey(key: string): [Operator, string] {
  for (const op of OPERATORS) if (key.startsWith(op) && key.length > op.length) return [op, key.slice(op.length)];
  return ['', key];
}

type Scalar = number | string | boolean | null;

function normalize(kind: Kind, value: unknown, offsetMin: number): Scalar {
  if (value === null || value === undefined || value === '') return null;
  switch (kind) {
    case 'int':
    case 'double': {
      const n = Number(value);
      return Number.isFinite(n) ? n : null;
    }
    case 'date':
    case 'datetime':
      return parseDateInput(String(value), offsetMin) ?? null;
    case 'bool':
      return isTruthyFlag(value);
    default:
      return typeof value === 'object' ? null : String(value).toLowerCase();
  }
}

/** The comparable values a record holds in a field: several for multifields and lists. */
function recordValues(kind: Kind, raw: unknown, offsetMin: number): Scalar[] {
  if (kind === 'multifield') {
    const items = Array.isArray(raw) ? raw : [];
    return items.map((item) => normalize('string', isObject(item) ? item.VALUE : null, offsetMin));
  }
  if (Array.isArray(raw)) return raw.map((v) => normalize(kind === 'list' || kind === 'intList' ? 'string' : kind, v, offsetMin));
  return [normalize(kind, raw, offsetMin)];
}

function likeRegex(pattern: string): RegExp {
  const escaped = pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*').replace(/_/g, '.');
  return new RegExp(`^${escaped}$`, 'is');
}

function compare(a: Scalar, b: Scalar): number {
  if (a === null || b === null) return Number.NaN;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b));
}

function test(op: Operator, kind: Kind, have: Scalar[], wanted: unknown, offsetMin: number): boolean {
  const list = asList(wanted);
  const valueKind: Kind = kind === 'multifield' || kind === 'list' || kind === 'intList' ? 'string' : kind;
  const wantedList = (list ?? (op.endsWith('@') && typeof wanted === 'string' ? wanted.split(',') : [wanted]))
    .map((v) => normalize(valueKind, v, offsetMin));
  const isEmpty = have.length === 0 || have.every((v) => v === null || v === '');
  const equals = (): boolean =>
    wantedList.some((w) => (w === null ? isEmpty : have.some((h) => h === w)));
  const text = String(Array.isArray(wanted) ? (wanted[0] ?? '') : (wanted ?? '')).toLowerCase();
  switch (op) {
    case '':
    case '=':
    case '@':
      return equals();
    case '!':
    case '!=':
    case '!@':
      return !equals();
    case '>':
    case '>=':
    case '<':
    case '<=': {
      const w = wantedList[0] ?? null;
      return have.some((h) => {
        const c = compare(h, w);
        if (Number.isNaN(c)) return false;
        return op === '>' ? c > 0 : op === '>=' ? c >= 0 : op === '<' ? c < 0 : c <= 0;
      });
    }
    case '%':
      return have.some((h) => h !== null && String(h).includes(text));
    case '!%':
      return !have.some((h) => h !== null && String(h).includes(text));
    case '=%':
    case '%=':
      return have.some((h) => h !== null && likeRegex(text).test(String(h)));
    case '!=%':
    case '!%=':
      return !have.some((h) => h !== null && likeRegex(text).test(String(h)));
  }
}

/** Keys naming unknown fields are ignored, like Bitrix24's legacy GetListEx does. */
export function applyFilter(records: Rec[], filter: Params, kindOf: KindOf, offsetMin: number): Rec[] {
  const clauses: Array<[Operator, string, Kind, unknown]> = [];
  for (const [key, value] of Object.entries(filter)) {
    if (key.startsWith('::') || key === 'LOGIC') continue;
    const [op, field] = splitKey(key);
    const kind = kindOf(field);
    if (kind !== undefined) clauses.push([op, field, kind, value]);
  }
  return records.filter((record) =>
    clauses.every(([op, field, kind, value]) => test(op, kind, recordValues(kind, record[field], offsetMin), value, offsetMin)),
  );
}

/** MySQL order: NULLs first ascending; ID ascending breaks ties so pages stay stable. */
export function applyOrder(records: Rec[], order: Array<[string, 'ASC' | 'DESC']>, kindOf: KindOf, offsetMin: number): Rec[] {
  const keys = order.filter(([field]) => kindOf(field) !== undefined);
  return [...records].sort((a, b) => {
    for (const [field, dir] of keys) {
      const kind = kindOf(field) as Kind;
      const x = recordValues(kind, a[field], offsetMin)[0] ?? null;
      const y = recordValues(kind, b[field], offsetMin)[0] ?? null;
      let c = x === y ? 0 : x === null ? -1 : y === null ? 1 : compare(x, y);
      if (Number.isNaN(c)) c = 0;
      if (c !== 0) return dir === 'DESC' ? -c : c;
    }
    return Number(a.ID) - Number(b.ID);
  });
}

/** `{FIELD: "asc"}` → [["FIELD", "ASC"]]; anything but DESC sorts ascending. */
export function readOrder(order: Params): Array<[string, 'ASC' | 'DESC']> {
  return Object.entries(order).map(([field, dir]) => [field.toUpperCase(), String(dir).toUpperCase() === 'DESC' ? 'DESC' : 'ASC']);
}

/** Fixed pages of 50; `start = -1` skips the count: total 0 and no `next` (research §4). */
export function paginate<T>(items: T[], start: number): { page: T[]; total: number; next?: number } {
  if (start === -1) return { page: items.slice(0, PAGE_SIZE), total: 0 };
  const page = items.slice(start, start + PAGE_SIZE);
  const next = start + PAGE_SIZE < items.length ? start + PAGE_SIZE : undefined;
  return { page, total: items.length, next };
}
