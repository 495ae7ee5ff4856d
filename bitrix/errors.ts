import { redactSecrets } from '../platform/logger';
import { FailureType, type FailureTypeName } from '../workflows/contract/failure-types';

/**
 * The one Bitrix24 error taxonomy (R3). Each class's `name` becomes the Temporal failure
 * type when an activity throws it, so the names are a wire contract: never rename them.
 *
 *   BitrixRateLimited  → wait and retry        (503 QUERY_LIMIT_EXCEEDED, 429 OPERATION_TIME_LIMIT)
 *   BitrixTransient    → retry with backoff    (5xx, timeouts, connection errors)
 *   BitrixTokenInvalid → park the integration  (T1: revoked / expired webhook, portal gone)
 *   BitrixBadRequest   → fail this step only   (4xx, legacy CRM errors with code "", access denied)
 */

export interface BitrixErrorInit {
  /** Bitrix24's `error` code ("" for legacy CRM errors; TIMEOUT / NETWORK_ERROR for transport). */
  code: string;
  /** Undefined for a command inside a batch (only the batch itself has a status) and for transport errors. */
  httpStatus?: number;
  method: string;
  description: string;
}

export class BitrixError extends Error {
  static readonly NAME = 'BitrixError';
  override readonly name: FailureTypeName | typeof BitrixError.NAME = BitrixError.NAME;
  readonly code: string;
  readonly httpStatus: number | undefined;
  readonly method: string;
  readonly description: string;
  readonly retriable: boolean = false;

  constructor(init: BitrixErrorInit) {
    // Descriptions come from the portal or from Node; mask any webhook path they might echo (R4).
    const description = redactSecrets(init.description);
    const status = init.httpStatus === undefined ? '' : ` (HTTP ${init.httpStatus})`;
    super(`Bitrix24 ${init.method}: ${init.code || 'error'}${description ? ` — ${description}` : ''}${status}`);
    this.code = init.code;
    this.httpStatus = init.httpStatus;
    this.method = init.method;
    this.description = description;
  }

  /** A plain, secret-free shape for logs and workflow results. */
  toJSON(): Record<string, unknown> {
    return { name: this.name, code: this.code, httpStatus: this.httpStatus, method: this.method, description: this.description, retriable: this.retriable };
  }
}

export class BitrixRateLimitedError extends BitrixError {
  override readonly name = FailureType.BitrixRateLimited;
  override readonly retriable = true;
  /** How long to wait before trying again: a bucket slot (503) or the operating window (429). */
  readonly retryAfterMs: number;
  constructor(init: BitrixErrorInit & { retryAfterMs: number }) {
    super(init);
    this.retryAfterMs = init.retryAfterMs;
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), retryAfterMs: this.retryAfterMs };
  }
}

export class BitrixTransientError extends BitrixError {
  override readonly name = FailureType.BitrixTransient;
  override readonly retriable = true;
}

export class BitrixTokenInvalidError extends BitrixError {
  override readonly name = FailureType.BitrixTokenInvalid;
}

export class BitrixBadRequestError extends BitrixError {
  override readonly name = FailureType.BitrixBadRequest;
}

/** The same error class, code and status with another method or description. */
export function cloneBitrixError(err: BitrixError, overrides: { method?: string; description?: string }): BitrixError {
  const init = { code: err.code, httpStatus: err.httpStatus, method: overrides.method ?? err.method, description: overrides.description ?? err.description };
  if (err instanceof BitrixRateLimitedError) return new BitrixRateLimitedError({ ...init, retryAfterMs: err.retryAfterMs });
  if (err instanceof BitrixTransientError) return new BitrixTransientError(init);
  if (err instanceof BitrixTokenInvalidError) return new BitrixTokenInvalidError(init);
  if (err instanceof BitrixBadRequestError) return new BitrixBadRequestError(init);
  return new BitrixError(init);
}

/**
 * The failure type (workflows/contract) of a Bitrix24 error: its class's name, the one map of
 * taxonomy to failure type. A bare BitrixError (no class of the taxonomy) retries, as a transient one.
 */
export function bitrixFailureType(err: BitrixError): FailureTypeName {
  return err.name === BitrixError.NAME ? FailureType.BitrixTransient : err.name;
}

/** True for errors worth retrying; anything that is not a BitrixError is a bug, not a fault. */
export function isRetriable(err: unknown): boolean {
  return err instanceof BitrixError && err.retriable;
}

// ---------------------------------------------------------------------------------------------
// Classification. Branch on the `error` code first: Bitrix24 has changed the HTTP statuses of
// its error table over the years (all 200 in 2024‑09, then 4xx/5xx), the codes stayed.

/** The webhook (or the portal behind it) no longer authorises us: park and wait for an operator (T1). */
const TOKEN_CODES = new Set([
  'INVALID_CREDENTIALS', 'NO_AUTH_FOUND', 'expired_token', 'invalid_token', 'PORTAL_DELETED',
  'user_access_error', 'ERROR_OAUTH', 'PAYMENT_REQUIRED', 'verification_needed',
  'PORTAL_BLOCKED_BY_LICENSE_SCANNER', 'AUTHORIZATION_ERROR',
  // Our own code for a 3xx answer: the portal changed domain, the webhook URL must be updated.
  'PORTAL_MOVED',
  // A manual block by Bitrix24 support: retrying cannot help, an operator must act — park it.
  'OVERLOAD_LIMIT',
]);
const TRANSIENT_CODES = new Set(['INTERNAL_SERVER_ERROR', 'ERROR_UNEXPECTED_ANSWER', 'TIMEOUT', 'NETWORK_ERROR']);

/** A leaky-bucket slot frees every 1/2 s on standard plans; ask for one full second. */
export const QUERY_LIMIT_RETRY_MS = 1_000;
/** The operating limit is summed over one-minute buckets: wait at least until one drops out. */
export const OPERATION_LIMIT_RETRY_MS = 60_000;

export interface BitrixErrorInput {
  httpStatus?: number;
  error?: unknown;
  error_description?: unknown;
  method: string;
  /** Unix seconds from `time.operating_reset_at`, when the response carried it (429). */
  operatingResetAt?: number;
  /** For tests: the current time in ms. */
  now?: number;
}

/** Pure: maps a Bitrix24 error envelope (or a bare HTTP status) onto the taxonomy. */
export function classifyBitrixError(input: BitrixErrorInput): BitrixError {
  const code = typeof input.error === 'string' ? input.error : input.error == null ? '' : String(input.error);
  const status = input.httpStatus;
  const init: BitrixErrorInit = {
    code,
    httpStatus: status,
    method: input.method,
    description: typeof input.error_description === 'string' ? input.error_description : '',
  };
  if (TOKEN_CODES.has(code)) return new BitrixTokenInvalidError(init);
  if (code === 'QUERY_LIMIT_EXCEEDED') return new BitrixRateLimitedError({ ...init, retryAfterMs: QUERY_LIMIT_RETRY_MS });
  if (code === 'OPERATION_TIME_LIMIT' || status === 429) {
    const now = input.now ?? Date.now();
    const untilReset = input.operatingResetAt ? input.operatingResetAt * 1000 + 1000 - now : 0;
    return new BitrixRateLimitedError({ ...init, retryAfterMs: untilReset > 0 ? untilReset : OPERATION_LIMIT_RETRY_MS });
  }
  if (TRANSIENT_CODES.has(code)) return new BitrixTransientError(init);
  if (status === 503) return new BitrixRateLimitedError({ ...init, retryAfterMs: QUERY_LIMIT_RETRY_MS });
  if (status !== undefined && (status >= 500 || status === 408)) return new BitrixTransientError(init);
  // An unknown code with 401 is still "who are you?": no retry will fix it.
  if (status === 401) return new BitrixTokenInvalidError(init);
  // 400/403/404/405, legacy CRM errors (code ""), ACCESS_DENIED, insufficient_scope,
  // ERROR_METHOD_NOT_FOUND, and any error a batch reports for one of its commands.
  return new BitrixBadRequestError(init);
}

/** A request that never got a Bitrix24 answer: a timeout or a broken connection. Always transient. */
export function transportError(method: string, kind: 'timeout' | 'network', detail: string): BitrixTransientError {
  return new BitrixTransientError({
    code: kind === 'timeout' ? 'TIMEOUT' : 'NETWORK_ERROR',
    method,
    description: detail,
  });
}
