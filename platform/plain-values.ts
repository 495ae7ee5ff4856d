/** Two helpers for plain JSON-like values, which config, settings, ingest and routing all handle. */

/** An object that is not null and not an array: a JSON object, as parsed bodies and config files hold. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Freezes `value` and everything it holds (a config or settings object handed down read-only). */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
