import type { Logger } from '../platform/logger';
import { createAutoBatcher } from './auto-batch';
import { chunkCommands, MAX_BATCH_COMMANDS, parseBatchResult, buildBatchCmd, type BatchCommand, type BatchResult } from './batch';
import { BitrixBadRequestError, BitrixError } from './errors';
import { listAll, type ListOptions } from './list';
import type { QueryParams } from './query';
import { createRateLimiter, systemClock, type RateLimiter, type RateLimitOptions } from './rate-limiter';
import { createTransport, type BitrixEnvelope, type BitrixObserver } from './transport';
import { describeWebhook, type WebhookCredentials } from './webhook-url';

/**
 * The Bitrix24 REST client over an incoming webhook: rate-limited (per portal, see
 * rate-limiter.ts), classified errors (errors.ts), optional automatic batching across callers
 * (auto-batch.ts). Create ONE client per portal and share it, so that every caller shares the
 * bucket and the batch queue. Logs and errors name the portal as describeWebhook() does only.
 */
export interface BitrixClientOptions {
  webhook: WebhookCredentials;
  /** The portal's leaky bucket (default 2/s, burst 50); `false` turns client-side limiting off. */
  rateLimit?: RateLimitOptions | false;
  /** A limiter shared with other clients of the same portal (see sharedRateLimiter); wins over rateLimit. */
  limiter?: RateLimiter;
  /** Per HTTP request; Bitrix24 cloud cuts a request at 60 s itself. Default 30 000. */
  timeoutMs?: number;
  /** Retries of a 503 QUERY_LIMIT_EXCEEDED inside the client (default 3; 0 = surface at once). */
  rateLimitRetries?: number;
  /** Told about each HTTP request and each wait for the limiter (metrics, B10). */
  observer?: BitrixObserver;
  /** Combine concurrent call()s into batch requests (B8). */
  autoBatch?: boolean;
  logger?: Logger;
  fetch?: typeof fetch;
}

export interface BitrixClient {
  /** `https://portal/rest/7/***\/` — what logs and errors may name. */
  readonly description: string;
  /** Calls a method and returns its `result`. */
  call<T = unknown>(method: string, params?: QueryParams): Promise<T>;
  /** The whole envelope, with `total` / `next` of list methods. */
  callRaw<T = unknown>(method: string, params?: QueryParams): Promise<BitrixEnvelope<T>>;
  /**
   * Runs commands in `batch` requests of ≤50 (more are split). Per-command bad requests are
   * returned in `errors`; a failure of the request as a whole — or any command failing with a
   * rate-limit, transient or token error — rejects, so that the caller retries or parks.
   */
  batch(cmds: Record<string, BatchCommand>, options?: { halt?: boolean }): Promise<BatchResult>;
  /** Every row of a list method, paging by start/next or by an ID cursor (see ListOptions). */
  listAll<T = Record<string, unknown>>(method: string, params?: QueryParams, options?: ListOptions<T>): Promise<T[]>;
  /** Requests of this process waiting for the portal's rate limit now (0 without a limiter). */
  waiting(): number;
  /** Requests this process could send the portal now without waiting for its rate limit (Infinity without a limiter). */
  headroom(): number;
  /** For benchmarks (P3): HTTP requests sent (retries included) and commands asked for. */
  stats(): { httpRequests: number; commands: number };
}

export function createBitrixClient(options: BitrixClientOptions): BitrixClient {
  const observer = options.observer;
  const onWait = observer ? (ms: number) => observer.limiterWaited(ms / 1000) : undefined;
  const limiter = options.limiter ?? (options.rateLimit === false ? undefined : createRateLimiter(options.rateLimit ?? {}, systemClock, onWait));
  const transport = createTransport({
    webhook: options.webhook,
    limiter,
    observer,
    timeoutMs: options.timeoutMs ?? 30_000,
    rateLimitRetries: options.rateLimitRetries ?? 3,
    logger: options.logger,
    fetch: options.fetch ?? globalThis.fetch,
    sleep: systemClock.sleep,
  });
  const batcher = options.autoBatch ? createAutoBatcher(transport, limiter) : undefined;
  let commands = 0;

  function callRaw<T>(method: string, params: QueryParams = {}): Promise<BitrixEnvelope<T>> {
    commands += 1;
    return batcher ? batcher.enqueue<T>(method, params) : transport.request<T>(method, params);
  }

  async function batch(cmds: Record<string, BatchCommand>, opts: { halt?: boolean } = {}): Promise<BatchResult> {
    const out: BatchResult = { results: {}, errors: {}, totals: {}, nexts: {} };
    const ids = Object.keys(cmds);
    if (ids.length === 0) return out;
    if (batcher && !opts.halt && !usesReferences(cmds)) {
      // Flatten into the shared queue: these commands then ride with other callers' commands.
      const settled = await Promise.allSettled(ids.map((id) => callRaw(cmds[id]!.method, cmds[id]!.params ?? {})));
      settled.forEach((s, i) => {
        const id = ids[i]!;
        if (s.status === 'fulfilled') {
          out.results[id] = s.value.result;
          if (s.value.total !== undefined) out.totals[id] = s.value.total;
          if (s.value.next !== undefined) out.nexts[id] = s.value.next;
        } else if (s.reason instanceof BitrixError) {
          out.errors[id] = s.reason;
        } else {
          throw s.reason;
        }
      });
      return failHard(out);
    }
    for (const chunk of chunkCommands(cmds, MAX_BATCH_COMMANDS)) {
      commands += Object.keys(chunk).length;
      const envelope = await transport.request<unknown>('batch', { halt: opts.halt ? 1 : 0, cmd: buildBatchCmd(chunk) });
      const parsed = parseBatchResult(envelope.result, chunk);
      Object.assign(out.results, parsed.results);
      Object.assign(out.errors, parsed.errors);
      Object.assign(out.totals, parsed.totals);
      Object.assign(out.nexts, parsed.nexts);
      if (opts.halt && Object.keys(parsed.errors).length > 0) break;
    }
    return failHard(out);
  }

  const client: BitrixClient = {
    description: describeWebhook(options.webhook),
    async call<T>(method: string, params?: QueryParams) {
      return (await callRaw<T>(method, params)).result;
    },
    callRaw,
    batch,
    listAll: (method, params, opts) => listAll(client, method, params ?? {}, opts),
    waiting: () => limiter?.waiting() ?? 0,
    headroom: () => limiter?.headroom() ?? Number.POSITIVE_INFINITY,
    stats: () => ({ httpRequests: transport.httpRequests, commands }),
  };
  return client;
}

/** A command's own bad request is its caller's business; anything else must stop the caller. */
function failHard(result: BatchResult): BatchResult {
  const fatal = Object.values(result.errors).find((e) => !(e instanceof BitrixBadRequestError));
  if (fatal) throw fatal;
  return result;
}

/** `$result[cmd][…]` references only work inside one batch request, so such batches are not flattened. */
function usesReferences(cmds: Record<string, BatchCommand>): boolean {
  return Object.values(cmds).some((c) => JSON.stringify(c.params ?? {}).includes('$result['));
}
