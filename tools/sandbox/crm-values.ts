/**
 * Turning caller input into stored (printed) values and back. Legacy CRM get/list print almost
 * everything as strings (`"ID":"5"`, `"OPPORTUNITY":"15000.00"`), flags as Y/N and dates as ISO
 * with the portal's offset (research §4); unknown fields are dropped without a word (§5.1).
 */
import { formatDate, formatDateTime, parseDateInput } from './clock';
import { fieldTable, isUserFieldName, MULTIFIELD_TYPES, type CrmEntity, type FieldKind } from './crm-fields';
import type { MultiType } from './multifield';
import { asList, intval, isObject, isTruthyFlag, scalarString, type Params } from './params';
import type { Rec } from './types';

const SKIP = Symbol('skip');

function convert(kind: FieldKind, value: unknown, offsetMin: number): unknown {
  if (value === null || value === undefined) return null;
  switch (kind) {
    case 'int':
      return value === '' ? null : String(intval(value));
    case 'double': {
      const n = Number(value === '' ? 0 : value);
      return Number.isFinite(n) ? n.toFixed(2) : SKIP;
    }
    case 'char':
      return value === '' ? null : isTruthyFlag(value) ? 'Y' : 'N';
    case 'datetime':
    case 'date': {
      if (value === '') return null;
      const ms = parseDateInput(scalarString(value), offsetMin);
      if (ms === undefined) return SKIP;
      return kind === 'date' ? formatDate(ms, offsetMin) : formatDateTime(ms, offsetMin);
    }
    case 'intList':
      return (asList(value) ?? [value]).map(intval).filter((id) => id > 0);
    default:
      return scalarString(value) ?? SKIP;
  }
}

/** UF values are kept as given, printed as strings (multiple fields as string arrays). */
function convertUserField(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  const list = asList(value);
  if (list) return list.map((v) => scalarString(v) ?? null).filter((v) => v !== null);
  return scalarString(value) ?? SKIP;
}

export interface Internalized {
  scalars: Rec;
  multi: Partial<Record<MultiType, unknown>>;
}

export type WriteMode = 'add' | 'update' | 'import' | 'seed';

/**
 * Keeps the fields this entity has: on update read-only and immutable ones are ignored, on
 * add read-only ones (unless params.IMPORT=Y allows them), and seed() may set anything.
 */
export function internalize(entity: CrmEntity, fields: Params, mode: WriteMode, offsetMin: number): Internalized {
  const table = fieldTable(entity);
  const scalars: Rec = {};
  const multi: Partial<Record<MultiType, unknown>> = {};
  for (const [name, value] of Object.entries(fields)) {
    const def = table.get(name);
    if (!def) {
      if (isUserFieldName(name)) {
        const converted = convertUserField(value);
        if (converted !== SKIP) scalars[name] = converted;
      }
      continue;
    }
    if (def.kind === 'multifield') {
      if ((MULTIFIELD_TYPES as readonly string[]).includes(name)) multi[name as MultiType] = value;
      continue;
    }
    if (mode !== 'seed') {
      if (def.readOnly && !(mode === 'import' && def.importable)) continue;
      if (def.immutable && mode === 'update') continue;
    }
    const converted = convert(def.kind, value, offsetMin);
    if (converted !== SKIP) scalars[name] = converted;
  }
  return { scalars, multi };
}

/** A record with every field of the table present, as *.get prints absent values (null). */
export function blankRecord(entity: CrmEntity): Rec {
  const record: Rec = {};
  for (const [name, def] of fieldTable(entity)) {
    if (def.kind === 'multifield') continue;
    record[name] = def.kind === 'intList' ? [] : null;
  }
  return record;
}

/**
 * The printed form: hidden fields dropped; multifields only when asked for (always on get,
 * on list only when named in select) and only for types the entity has values of.
 */
export function externalize(entity: CrmEntity, record: Rec, multi: readonly string[] | 'all'): Rec {
  const table = fieldTable(entity);
  const out: Rec = {};
  for (const [name, value] of Object.entries(record)) {
    const def = table.get(name);
    if (def?.hidden) continue;
    if (def?.kind === 'multifield') {
      if (multi === 'all' || multi.includes(name)) out[name] = structuredClone(value);
      continue;
    }
    out[name] = Array.isArray(value) ? [...(value as unknown[])] : value;
  }
  return out;
}

export function readFieldsParam(params: Params, pickFn: (p: Params, n: string) => unknown): Params | undefined {
  const fields = pickFn(params, 'fields');
  if (fields === undefined) return {};
  if (Array.isArray(fields)) return fields.length === 0 ? {} : undefined;
  return isObject(fields) ? fields : undefined;
}
