/**
 * Bitrix24 answers every failure with `{error, error_description}` and a non-2xx status. The
 * codes, texts and statuses below are the ones the research notes confirm (research §1.4–1.5);
 * clients branch on `error`, so the strings must match byte for byte.
 */
export class RestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly description: string,
  ) {
    super(`${code || '(empty)'}: ${description}`);
  }

  toBody(): { error: string; error_description: string } {
    return { error: this.code, error_description: this.description };
  }
}

/**
 * Legacy CRM methods (crm.lead.*, crm.deal.*, crm.contact.*, crm.duplicate.*) throw
 * `RestException($message)` whose code defaults to "" and whose status becomes 400.
 */
export function crmError(description: string): RestError {
  return new RestError(400, '', description);
}

export const systemErrors = {
  internal: () => new RestError(500, 'INTERNAL_SERVER_ERROR', 'Internal server error'),
  queryLimit: () => new RestError(503, 'QUERY_LIMIT_EXCEEDED', 'Too many requests'),
  // The docs' table says 403, a field report saw 401 for a wrong webhook; the research settles
  // on 401 for the emulator (research §1.5, "Webhook invalid/deleted/blocked").
  invalidCredentials: () => new RestError(401, 'INVALID_CREDENTIALS', 'Invalid request credentials'),
  noAuth: () => new RestError(401, 'NO_AUTH_FOUND', 'Wrong authorization data'),
  portalDeleted: () => new RestError(500, 'PORTAL_DELETED', 'Portal was deleted'),
  methodNotFound: () => new RestError(404, 'ERROR_METHOD_NOT_FOUND', 'Method not found!'),
  batchLength: () => new RestError(400, 'ERROR_BATCH_LENGTH_EXCEEDED', 'Max batch length exceeded'),
  batchMethod: () => new RestError(405, 'ERROR_BATCH_METHOD_NOT_ALLOWED', 'Method is not allowed for batch usage'),
};

/** Anything thrown by a handler that is not a RestError is a bug: show it as Bitrix24 would. */
export function toRestError(err: unknown): RestError {
  return err instanceof RestError ? err : systemErrors.internal();
}
