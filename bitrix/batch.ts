import { BitrixError, classifyBitrixError, cloneBitrixError } from './errors';
import { batchCommand, type QueryParams } from './query';

/** Bitrix24 refuses more than 50 commands in one batch (ERROR_BATCH_LENGTH_EXCEEDED). */
export const MAX_BATCH_COMMANDS = 50;

export interface BatchCommand {
  method: string;
  params?: QueryParams;
}

export interface BatchResult {
  results: Record<string, unknown>;
  /** Per-command errors, classified (mostly BitrixBadRequest: legacy CRM errors have code ""). */
  errors: Record<string, BitrixError>;
  totals: Record<string, number>;
  nexts: Record<string, number>;
}

/** The `cmd` object of a batch request: id → `method?php-style-query`. */
export function buildBatchCmd(cmds: Record<string, BatchCommand>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [id, cmd] of Object.entries(cmds)) {
    if (!id) throw new TypeError('batch command ids must be non-empty');
    if (cmd.method === 'batch') throw new TypeError('a batch may not contain another batch (ERROR_BATCH_METHOD_NOT_ALLOWED)');
    out[id] = batchCommand(cmd.method, cmd.params);
  }
  return out;
}

/**
 * Reads `{result, result_error, result_total, result_next}` of a batch answer. PHP sends an
 * empty collection as `[]` and a collection with numeric keys as a list, so both arrays and
 * objects are read into id-keyed records.
 */
export function parseBatchResult(raw: unknown, cmds: Record<string, BatchCommand>): BatchResult {
  const body = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const results = keyed(body.result);
  const errors: Record<string, BitrixError> = {};
  for (const [id, value] of Object.entries(keyed(body.result_error))) {
    const e = (value && typeof value === 'object' ? value : { error: String(value) }) as { error?: unknown; error_description?: unknown };
    errors[id] = classifyBitrixError({ error: e.error, error_description: e.error_description, method: cmds[id]?.method ?? 'batch' });
    delete results[id];
  }
  return { results, errors, totals: numbers(body.result_total), nexts: numbers(body.result_next) };
}

function keyed(value: unknown): Record<string, unknown> {
  if (Array.isArray(value)) return Object.fromEntries(value.map((item, i) => [String(i), item]));
  if (value && typeof value === 'object') return { ...(value as Record<string, unknown>) };
  return {};
}

function numbers(value: unknown): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [id, n] of Object.entries(keyed(value))) {
    const num = Number(n);
    if (Number.isFinite(num)) out[id] = num;
  }
  return out;
}

/**
 * The same failure, attributed to one command of a batch that failed as a whole (a 503, a
 * revoked token, a timeout): each waiting caller gets its own error object naming its method.
 */
export function rebindError(err: unknown, method: string): unknown {
  return err instanceof BitrixError ? cloneBitrixError(err, { method }) : err;
}

/** Splits ids into chunks of at most `size` (insertion order kept). */
export function chunkCommands<T>(cmds: Record<string, T>, size = MAX_BATCH_COMMANDS): Array<Record<string, T>> {
  const entries = Object.entries(cmds);
  const chunks: Array<Record<string, T>> = [];
  for (let i = 0; i < entries.length; i += size) chunks.push(Object.fromEntries(entries.slice(i, i + size)));
  return chunks;
}
