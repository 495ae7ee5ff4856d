import { BitrixTransientError } from './errors';
import { MAX_BATCH_COMMANDS, parseBatchResult, rebindError, type BatchCommand } from './batch';
import { batchCommand, type QueryParams } from './query';
import type { RateLimiter } from './rate-limiter';
import type { BitrixEnvelope, Transport } from './transport';

/**
 * Automatic batching across callers (B8). Bitrix24 counts HTTP requests, not commands, so
 * when many activities call at once their commands share requests: each time the rate
 * limiter grants a slot, everything queued (up to 50) leaves in ONE `batch`. With an idle
 * portal a command leaves alone at once; under load the queue grows while the bucket is full
 * and the batches fill up by themselves — the throughput approaches 2 req/s × 50 commands.
 */

interface Pending {
  method: string;
  params: QueryParams;
  /** Encoded when queued, so that a value that cannot be encoded fails its own caller only. */
  cmd: string;
  resolve: (envelope: BitrixEnvelope<unknown>) => void;
  reject: (err: unknown) => void;
}

export interface AutoBatcher {
  enqueue<T>(method: string, params: QueryParams): Promise<BitrixEnvelope<T>>;
  queued(): number;
}

export function createAutoBatcher(transport: Transport, limiter: RateLimiter | undefined): AutoBatcher {
  const queue: Pending[] = [];
  let running = false;

  async function loop(): Promise<void> {
    if (running) return;
    running = true;
    try {
      while (queue.length > 0) {
        if (limiter) await limiter.acquire();
        // Let callers that are already scheduled in this turn of the event loop join the request.
        await new Promise<void>((resolve) => setImmediate(resolve));
        const group = queue.splice(0, MAX_BATCH_COMMANDS);
        // Not awaited: the next slot must not wait for this request's answer (pipelining).
        void dispatch(group);
      }
    } finally {
      running = false;
    }
  }

  async function dispatch(group: Pending[]): Promise<void> {
    const [only] = group;
    if (group.length === 1 && only) {
      try {
        only.resolve(await transport.request(only.method, only.params, { preAcquired: limiter !== undefined }));
      } catch (err) {
        only.reject(err);
      }
      return;
    }
    const cmds: Record<string, BatchCommand> = {};
    const cmd: Record<string, string> = {};
    group.forEach((p, i) => {
      cmds[`c${i}`] = { method: p.method, params: p.params };
      cmd[`c${i}`] = p.cmd;
    });
    let parsed;
    try {
      const envelope = await transport.request<unknown>('batch', { halt: 0, cmd }, { preAcquired: limiter !== undefined });
      parsed = parseBatchResult(envelope.result, cmds);
    } catch (err) {
      // The batch failed as a whole (503, token, timeout): every command shares the fate.
      for (const p of group) p.reject(rebindError(err, p.method));
      return;
    }
    group.forEach((p, i) => {
      const id = `c${i}`;
      const error = parsed.errors[id];
      if (error) return p.reject(error);
      if (!(id in parsed.results)) {
        return p.reject(new BitrixTransientError({ code: 'BATCH_RESULT_MISSING', method: p.method, description: 'the batch answer had no result for this command' }));
      }
      p.resolve({ result: parsed.results[id], total: parsed.totals[id], next: parsed.nexts[id] });
    });
  }

  return {
    enqueue<T>(method: string, params: QueryParams) {
      return new Promise<BitrixEnvelope<T>>((resolve, reject) => {
        if (method === 'batch') throw new TypeError('batch cannot be auto-batched: call client.batch()');
        const cmd = batchCommand(method, params);
        queue.push({ method, params, cmd, resolve: resolve as (e: BitrixEnvelope<unknown>) => void, reject });
        void loop();
      });
    },
    queued: () => queue.length,
  };
}
