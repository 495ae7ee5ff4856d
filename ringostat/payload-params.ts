/**
 * A Ringostat webhook payload as a bag of named string values. Ringostat names the same data
 * differently across webhook versions and formats (query string, JSON body, JSON-RPC, nested
 * `additional_call_data`), so fields are read through alias lists, case-insensitively, and
 * every key read is remembered: whatever is left over becomes the event's `extra`.
 */
import { isPlainObject } from '../platform/plain-values';

export interface ParamValue {
  /** The key as the payload spelled it (kept for `extra` and for error messages). */
  key: string;
  value: string;
}

/** Keys that may carry a credential: never copied into `raw` or `extra` (R4). */
export const SECRET_KEYS = new Set(['token', 'access_token', 'auth_token', 'authorization', 'auth', 'secret', 'api_key', 'apikey']);

/**
 * A `+` in an unencoded query string arrives as a space (`?caller=+380…` → ` 380…`): put it back,
 * so the number keeps its country code whatever the project's default country is.
 */
export function restorePlus(text: string): string {
  return /^ \d/.test(text) ? `+${text.trim()}` : text.trim();
}

/** Values Ringostat (or a template) uses for "nothing". */
const EMPTY = new Set(['', 'null', 'undefined']);

function scalar(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (Array.isArray(value) && value.every((v) => typeof v === 'string' || typeof v === 'number')) return value.map(String).join(',');
  return undefined;
}

/** JSON-RPC webhooks wrap the parameters: `{ jsonrpc, method, params: {…} }`. */
export function unwrapPayload(payload: Record<string, unknown>): Record<string, unknown> {
  if ('jsonrpc' in payload && isPlainObject(payload.params)) return payload.params;
  return payload;
}

/** The payload without credential keys, for `raw`. */
export function withoutSecrets(payload: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(payload)) {
    if (!SECRET_KEYS.has(key.toLowerCase()) && key !== '__proto__') out[key] = value;
  }
  return out;
}

export class RingostatParams {
  private readonly byKey = new Map<string, ParamValue>();
  private readonly used = new Set<string>();

  constructor(payload: Record<string, unknown>) {
    const top = unwrapPayload(payload);
    const nested: Array<Record<string, unknown>> = [];
    for (const [key, value] of Object.entries(top)) {
      if (isPlainObject(value)) nested.push(value);
      else this.add(key, value);
    }
    // One level of nesting (e.g. `additional_call_data{userfield,dst,call_type}`): top level wins.
    for (const object of nested) for (const [key, value] of Object.entries(object)) this.add(key, value);
  }

  private add(key: string, value: unknown): void {
    const lower = key.toLowerCase();
    if (lower === '__proto__' || SECRET_KEYS.has(lower) || this.byKey.has(lower)) return;
    const text = scalar(value);
    if (text !== undefined) this.byKey.set(lower, { key, value: text });
  }

  /** The first alias with a non-empty value; every alias present counts as read. */
  take(...aliases: string[]): ParamValue | undefined {
    let found: ParamValue | undefined;
    for (const alias of aliases) {
      const entry = this.byKey.get(alias);
      if (!entry) continue;
      this.used.add(alias);
      if (!found && !EMPTY.has(entry.value.trim().toLowerCase())) found = entry;
    }
    return found;
  }

  /** Like take, but leaves the keys for `extra` too (values useful both ways, e.g. duration). */
  peek(...aliases: string[]): ParamValue | undefined {
    for (const alias of aliases) {
      const entry = this.byKey.get(alias);
      if (entry && !EMPTY.has(entry.value.trim().toLowerCase())) return entry;
    }
    return undefined;
  }

  /** Every parameter nobody read, non-empty, under its original key. */
  rest(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [lower, entry] of this.byKey) {
      if (this.used.has(lower) || EMPTY.has(entry.value.trim().toLowerCase())) continue;
      out[entry.key] = entry.value;
    }
    return out;
  }
}
