import { FailureType, type FailureTypeName } from '../workflows/contract/failure-types';

/**
 * What went wrong with a Ringostat API request, classified for the caller's retry decision:
 * `auth` and `bad-request` will not succeed by retrying (a config change is needed);
 * `rate-limited` and `unavailable` will. The names are failure types in Temporal (R3 style).
 */
export type RingostatErrorKind = 'auth' | 'bad-request' | 'rate-limited' | 'unavailable';

/** The failure type of each kind: the one map, which the reconcile activity's failures carry. */
const FAILURE_TYPES: Record<RingostatErrorKind, FailureTypeName> = {
  'auth': FailureType.RingostatAuthError,
  'bad-request': FailureType.RingostatBadRequest,
  'rate-limited': FailureType.RingostatRateLimited,
  'unavailable': FailureType.RingostatUnavailable,
};

export class RingostatApiError extends Error {
  /** The kind's failure type (workflows/contract): what a Temporal failure of this error is called. */
  override readonly name: FailureTypeName;
  readonly retriable: boolean;
  constructor(
    readonly kind: RingostatErrorKind,
    message: string,
    readonly status?: number,
    /** From Retry-After on a 429. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = FAILURE_TYPES[kind];
    this.retriable = kind === 'rate-limited' || kind === 'unavailable';
  }
}

/** Ringostat's own error text, as short plain words (object, string or JSON-RPC shape). */
export function errorText(error: unknown): string {
  if (typeof error === 'string') return error;
  if (typeof error === 'object' && error !== null) {
    const { message, code } = error as { message?: unknown; code?: unknown };
    if (typeof message === 'string') return code === undefined ? message : `${message} (code ${String(code)})`;
  }
  return JSON.stringify(error) ?? 'unknown error';
}

/** An error in a 200 body (Ringostat's JSON-RPC habit): auth words mean a bad Auth-key. */
export function kindOfBodyError(error: unknown): RingostatErrorKind {
  const code = typeof error === 'object' && error !== null ? Number((error as { code?: unknown }).code) : Number.NaN;
  if (code === 401 || code === 403) return 'auth';
  return /auth|api.?key|token|unauthori[sz]ed|forbidden|access denied/i.test(errorText(error)) ? 'auth' : 'bad-request';
}

export function kindOfStatus(status: number): RingostatErrorKind {
  if (status === 401 || status === 403) return 'auth';
  if (status === 429) return 'rate-limited';
  if (status >= 500 || status === 408) return 'unavailable';
  return 'bad-request';
}
