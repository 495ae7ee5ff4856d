import type { Logger } from '../platform/logger';
import {
  BitrixBadRequestError, BitrixError, BitrixRateLimitedError, BitrixTokenInvalidError, BitrixTransientError,
  classifyBitrixError, QUERY_LIMIT_RETRY_MS, transportError,
} from './errors';
import type { RateLimiter } from './rate-limiter';
import { describeWebhook, methodUrl, type WebhookCredentials } from './webhook-url';

/** The success envelope of every Bitrix24 method (research §1.3). */
export interface BitrixEnvelope<T = unknown> {
  result: T;
  total?: number;
  next?: number;
  time?: { operating_reset_at?: number; operating?: number; duration?: number };
}

/** A request's outcome in the error taxonomy of errors.ts, as metrics label it (B10). */
export type BitrixRequestResult = 'ok' | 'rate-limited' | 'transient' | 'token' | 'bad-request';

/**
 * Told about every HTTP request and limiter wait, e.g. to count them per project; the bridge's
 * metrics implement it (bitrix/metrics.ts), so this module stays free of them.
 */
export interface BitrixObserver {
  /** One HTTP request ended (a batch is one; each retry is one). */
  requested(method: string, result: BitrixRequestResult, seconds: number): void;
  /** A request waited this long for a slot of the client-side leaky bucket. */
  limiterWaited(seconds: number): void;
}

export function requestResultOf(err: unknown): BitrixRequestResult {
  if (err instanceof BitrixRateLimitedError) return 'rate-limited';
  if (err instanceof BitrixTransientError) return 'transient';
  if (err instanceof BitrixTokenInvalidError) return 'token';
  if (err instanceof BitrixBadRequestError) return 'bad-request';
  // Not a classified answer (a bug on our side): closest is "the request did not succeed, retry".
  return 'transient';
}

export interface TransportOptions {
  webhook: WebhookCredentials;
  limiter?: RateLimiter;
  observer?: BitrixObserver;
  timeoutMs: number;
  /** Times a 503 QUERY_LIMIT_EXCEEDED is retried here (it is refused before execution, so safe). */
  rateLimitRetries: number;
  logger?: Logger;
  fetch: typeof fetch;
  sleep: (ms: number) => Promise<void>;
}

export interface Transport {
  /** POSTs one method as JSON; `preAcquired` when the caller already took the limiter slot. */
  request<T>(method: string, params: Record<string, unknown>, opts?: { preAcquired?: boolean }): Promise<BitrixEnvelope<T>>;
  readonly httpRequests: number;
}

export function createTransport(options: TransportOptions): Transport {
  const where = describeWebhook(options.webhook);
  const log = options.logger?.child({ component: 'bitrix', portal: where });
  let httpRequests = 0;

  /** One HTTP request, reported to the observer with its outcome. */
  async function once<T>(method: string, params: Record<string, unknown>): Promise<BitrixEnvelope<T>> {
    const started = Date.now();
    try {
      const envelope = await sendOnce<T>(method, params);
      options.observer?.requested(method, 'ok', (Date.now() - started) / 1000);
      return envelope;
    } catch (err) {
      options.observer?.requested(method, requestResultOf(err), (Date.now() - started) / 1000);
      throw err;
    }
  }

  async function sendOnce<T>(method: string, params: Record<string, unknown>): Promise<BitrixEnvelope<T>> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), options.timeoutMs);
    const started = Date.now();
    httpRequests += 1;
    let status: number;
    let text: string;
    try {
      const response = await options.fetch(methodUrl(options.webhook, method), {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', 'user-agent': 'ringostat-bitrix24-bridge' },
        body: JSON.stringify(params),
        signal: controller.signal,
        // A 302 means the portal moved domain: following it would turn the POST into a GET.
        redirect: 'manual',
      });
      status = response.status;
      text = await response.text();
    } catch (cause) {
      // Only the error code/message of the cause travels, never the request URL.
      const err = controller.signal.aborted
        ? transportError(method, 'timeout', `no answer within ${options.timeoutMs} ms`)
        : transportError(method, 'network', causeText(cause));
      log?.warn({ method, ms: Date.now() - started, err: err.toJSON() }, 'bitrix24 request failed');
      throw err;
    } finally {
      clearTimeout(timer);
    }
    const envelope = parseBody(text);
    const ms = Date.now() - started;
    if (status >= 300 && status < 400) {
      throw logged(classifyBitrixError({ httpStatus: status, error: 'PORTAL_MOVED', error_description: 'the portal answered with a redirect: update the webhook URL', method }), ms);
    }
    if (envelope && typeof envelope === 'object' && 'error' in envelope) {
      const body = envelope as { error?: unknown; error_description?: unknown; time?: { operating_reset_at?: number } };
      throw logged(classifyBitrixError({ httpStatus: status, error: body.error, error_description: body.error_description, method, operatingResetAt: body.time?.operating_reset_at }), ms);
    }
    if (status < 200 || status >= 300 || !envelope || typeof envelope !== 'object' || !('result' in envelope)) {
      // A proxy's HTML page or a cut-off body: transient when the server side is at fault
      // (2xx/5xx), otherwise judged by the status alone (401 token, 404 bad request…).
      const code = status < 400 || status >= 500 ? 'ERROR_UNEXPECTED_ANSWER' : '';
      throw logged(classifyBitrixError({ httpStatus: status, error: code, error_description: 'the portal did not answer with a Bitrix24 JSON envelope', method }), ms);
    }
    log?.debug({ method, status, ms }, 'bitrix24 request');
    return envelope as BitrixEnvelope<T>;

    function logged(err: BitrixError, elapsed: number): BitrixError {
      log?.warn({ method, status, ms: elapsed, err: err.toJSON() }, 'bitrix24 error');
      return err;
    }
  }

  async function request<T>(method: string, params: Record<string, unknown>, opts: { preAcquired?: boolean } = {}): Promise<BitrixEnvelope<T>> {
    let acquired = opts.preAcquired === true;
    for (let attempt = 0; ; attempt += 1) {
      if (!acquired && options.limiter) await options.limiter.acquire();
      acquired = false;
      try {
        return await once<T>(method, params);
      } catch (err) {
        // Only the leaky bucket's refusal is retried here; 429 (operating limit) waits minutes,
        // and everything else is the caller's (Temporal's) decision.
        const bucketFull = err instanceof BitrixRateLimitedError && (err.code === 'QUERY_LIMIT_EXCEEDED' || err.httpStatus === 503);
        if (!bucketFull) throw err;
        if (options.limiter) options.limiter.penalize();
        if (attempt >= options.rateLimitRetries) throw err;
        if (!options.limiter) await options.sleep(QUERY_LIMIT_RETRY_MS * (attempt + 1));
      }
    }
  }

  return {
    request,
    get httpRequests() {
      return httpRequests;
    },
  };
}

function parseBody(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function causeText(cause: unknown): string {
  if (cause instanceof Error) {
    const inner = (cause as Error & { cause?: { code?: string; message?: string } }).cause;
    const detail = inner?.code ?? inner?.message;
    // fetch's own message can quote the URL (e.g. "Failed to parse URL from …"): keep it short
    // and let BitrixError redact it anyway.
    return detail ? `${cause.message}: ${detail}` : cause.message;
  }
  return 'connection failed';
}
