/**
 * Reading request parameters the forgiving way Bitrix24 does: names in several cases
 * (`fields`/`FIELDS`/`Fields`), numbers as strings, flags as Y/N/true/1.
 */

export type Params = Record<string, unknown>;

export function isObject(value: unknown): value is Params {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** CCrmRestHelper::resolveArrayParam / resolveParam: UPPER, lower, Capitalized, arCapitalized. */
export function pick(params: Params, name: string): unknown {
  const lower = name.toLowerCase();
  const capitalized = lower.charAt(0).toUpperCase() + lower.slice(1);
  for (const key of [name, name.toUpperCase(), lower, capitalized, `ar${capitalized}`]) {
    if (params[key] !== undefined && params[key] !== null) return params[key];
  }
  return undefined;
}

/** PHP intval(): leading integer of a string, 0 otherwise. */
export function intval(value: unknown): number {
  if (typeof value === 'number') return Number.isFinite(value) ? Math.trunc(value) : 0;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string') {
    const match = /^\s*([+-]?\d+)/.exec(value);
    return match ? Number(match[1]) : 0;
  }
  return 0;
}

/** A positive integer id, or 0. */
export function positiveId(value: unknown): number {
  const id = intval(value);
  return id > 0 ? id : 0;
}

export function isTruthyFlag(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'string') return ['y', 'yes', 'true', '1'].includes(value.trim().toLowerCase());
  return false;
}

/** A list, whether it came as a JSON array or as a PHP map with arbitrary keys. */
export function asList(value: unknown): unknown[] | undefined {
  if (Array.isArray(value)) return value;
  if (isObject(value)) return Object.values(value);
  return undefined;
}

/** Scalars become strings the way PHP prints them; objects/arrays are not scalars. */
export function scalarString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : undefined;
  if (typeof value === 'boolean') return value ? '1' : '';
  return undefined;
}

/** `start` of list methods: a multiple of 50, or -1 to skip counting. */
export function readStart(params: Params): number {
  const start = intval(params.start ?? params.START);
  if (start === -1) return -1;
  return start > 0 ? start : 0;
}
