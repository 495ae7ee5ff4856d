/**
 * The failure types (an ApplicationFailure's `type`) that activities throw and workflows react
 * to (R3): the one list of their names. Running workflows have them in their histories and retry
 * policies, so a name is never changed.
 */
export const FailureType = {
  /** Bitrix24 rate limit: retried after Bitrix24's own delay. */
  BitrixRateLimited: 'BitrixRateLimited',
  /** Bitrix24 5xx, timeout or connection error: retried with backoff. */
  BitrixTransient: 'BitrixTransient',
  /** The webhook no longer authorises the bridge: the call parks (T1). */
  BitrixTokenInvalid: 'BitrixTokenInvalid',
  /** Bitrix24 refused the request itself: that step fails, the call goes on. */
  BitrixBadRequest: 'BitrixBadRequest',
  /** The project is not in the worker's config. */
  ProjectUnknown: 'ProjectUnknown',
  /** The portal refused a new webhook (M3, T2): the reactivation changes nothing. */
  WebhookRefused: 'WebhookRefused',
  /**
   * A reactivation lost to another change of the same integration applied while it waited (T2):
   * it changed nothing, and its message says which version won.
   */
  ReactivationSuperseded: 'ReactivationSuperseded',
  /** A local activity gave up after its bounded retries: the call records it and goes on or ends with it. */
  LocalActivityGaveUp: 'LocalActivityGaveUp',
  /** A Bitrix24 step still failing when its retry deadline (24 h) passed: recorded, the call goes on. */
  StepTimedOut: 'StepTimedOut',
  /**
   * A client-creation shard turned a creation away because it is about to continue as new (B2):
   * the caller sends it again and the next run takes it. Never a call's failure.
   */
  CreationShardRotating: 'CreationShardRotating',
  /**
   * A local try declined to wait for the portal's rate limit (issue 16): a client-creation
   * shard's creation (B2) or a live call's tasks, which then run as an activity. Never a call's failure.
   */
  LocalTryDeclined: 'LocalTryDeclined',
  /** Ringostat refused the Auth-key (B7). */
  RingostatAuthError: 'RingostatAuthError',
  /** Ringostat refused the request itself (B7). */
  RingostatBadRequest: 'RingostatBadRequest',
  RingostatRateLimited: 'RingostatRateLimited',
  RingostatUnavailable: 'RingostatUnavailable',
} as const;

export type FailureTypeName = (typeof FailureType)[keyof typeof FailureType];

/** The Bitrix24 failures that retrying cannot fix: the call parks (token) or records the failure (R3). */
export const NON_RETRYABLE_BITRIX_ERRORS = [FailureType.BitrixTokenInvalid, FailureType.BitrixBadRequest] as const;

/** Failures a call's activities must not retry: the Bitrix24 ones above and an unknown project. */
export const NON_RETRYABLE: FailureTypeName[] = [...NON_RETRYABLE_BITRIX_ERRORS, FailureType.ProjectUnknown];

/** Ringostat failures that retrying cannot fix: the reconciliation run fails visibly (B7). */
export const RINGOSTAT_NON_RETRYABLE: FailureTypeName[] = [FailureType.RingostatAuthError, FailureType.RingostatBadRequest, FailureType.ProjectUnknown];
