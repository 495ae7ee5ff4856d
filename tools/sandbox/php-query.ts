/**
 * PHP-style query strings: `fields[TITLE]=X&fields[PHONE][0][VALUE]=1&select[]=ID`. Bitrix24 is
 * PHP, so GET queries, form bodies and batch commands all use this syntax (research §1.2, §3).
 */

type Bag = Record<string, unknown>;

const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

function decode(part: string): string {
  const spaced = part.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced; // PHP keeps malformed escapes as they are
  }
}

/** Splits `a[b][]` into ['a', 'b', ''] the way PHP's parse_str does. */
function keyPath(rawKey: string): string[] {
  const open = rawKey.indexOf('[');
  if (open <= 0) return [rawKey];
  const path = [rawKey.slice(0, open)];
  const re = /\[([^\]]*)\]/g;
  re.lastIndex = open;
  let match: RegExpExecArray | null;
  let end = open;
  while ((match = re.exec(rawKey)) !== null && match.index === end) {
    path.push(match[1] ?? '');
    end = re.lastIndex;
  }
  return path;
}

function nextIndex(bag: Bag): string {
  let max = -1;
  for (const key of Object.keys(bag)) {
    if (/^\d+$/.test(key)) max = Math.max(max, Number(key));
  }
  return String(max + 1);
}

function assign(root: Bag, path: string[], value: string): void {
  let bag = root;
  for (let i = 0; i < path.length; i++) {
    let key = path[i] ?? '';
    if (key === '' && i > 0) key = nextIndex(bag);
    if (FORBIDDEN.has(key)) return;
    if (i === path.length - 1) {
      bag[key] = value;
      return;
    }
    const child = bag[key];
    if (child === null || typeof child !== 'object') bag[key] = {};
    bag = bag[key] as Bag;
  }
}

/**
 * PHP arrays are ordered maps; JSON callers send real arrays. Turning maps keyed 0..n-1 into
 * arrays lets every handler read lists one way, whichever transport brought them.
 */
export function listify(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(listify);
  if (value === null || typeof value !== 'object') return value;
  const bag = value as Bag;
  const keys = Object.keys(bag);
  const out: Bag = {};
  for (const key of keys) out[key] = listify(bag[key]);
  if (keys.length > 0 && keys.every((key, i) => key === String(i))) return keys.map((key) => out[key]);
  return out;
}

export function parsePhpQuery(query: string): Bag {
  const root: Bag = {};
  for (const pair of query.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const rawKey = decode(eq === -1 ? pair : pair.slice(0, eq));
    const value = eq === -1 ? '' : decode(pair.slice(eq + 1));
    if (rawKey === '') continue;
    assign(root, keyPath(rawKey), value);
  }
  // The top level stays a map even when its keys happen to be 0..n-1.
  const out: Bag = {};
  for (const [key, value] of Object.entries(root)) out[key] = listify(value);
  return out;
}
