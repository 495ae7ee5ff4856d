/**
 * `batch` (research §3): up to 50 commands `"method?php=query"`, run in order; one HTTP
 * request (one rate-limit slot). Failures are collected per command — the answer is 200 even
 * when every command failed — and `halt=1` stops at the first one. Results may reference earlier
 * ones: `$result[cmd][ID]`, `$result[list][0][ID]`, `$next[cmd]`, `$total[cmd]`.
 */
import { timeBlock } from './clock';
import type { Handler, MethodResult } from './context';
import { isObject, isTruthyFlag, pick, type Params } from './params';
import { parsePhpQuery } from './php-query';
import { systemErrors, toRestError } from './rest-error';

export const MAX_BATCH_COMMANDS = 50;

/** The commands as [id, "method?query"], whether `cmd` was an object or an array. */
export function batchCommands(params: Params): Array<[string, string]> {
  const cmd = pick(params, 'cmd');
  if (Array.isArray(cmd)) return cmd.map((value, index) => [String(index), String(value)]);
  if (isObject(cmd)) return Object.entries(cmd).map(([key, value]) => [key, String(value)]);
  return [];
}

export function splitCommand(command: string): { method: string; query: string } {
  const at = command.indexOf('?');
  const method = (at === -1 ? command : command.slice(0, at)).trim().toLowerCase().replace(/\.json$/, '');
  return { method, query: at === -1 ? '' : command.slice(at + 1) };
}

type Sources = Record<'result' | 'next' | 'total' | 'error' | 'time', Map<string, unknown>>;

const REFERENCE = /\$(result|next|total|error|time)((?:\[[^\]]*\])+)/g;

function lookup(sources: Sources, name: string, path: string): unknown {
  const parts = [...path.matchAll(/\[([^\]]*)\]/g)].map((m) => m[1] ?? '');
  let value: unknown = sources[name as keyof Sources].get(parts[0] ?? '');
  for (const part of parts.slice(1)) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

function substitute(value: unknown, sources: Sources): unknown {
  if (typeof value === 'string') {
    const whole = /^\$(result|next|total|error|time)((?:\[[^\]]*\])+)$/.exec(value);
    if (whole) return lookup(sources, whole[1] as string, whole[2] as string) ?? '';
    return value.replace(REFERENCE, (_, name: string, path: string) => {
      const found = lookup(sources, name, path);
      return found === undefined || found === null || typeof found === 'object' ? '' : String(found);
    });
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, sources));
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, sources)]));
  return value;
}

/** A PHP array prints as a JSON list when keyed 0..n-1 (and when empty), else as an object. */
export function phpArray(map: Map<string, unknown>): unknown {
  const keys = [...map.keys()];
  if (keys.every((key, index) => key === String(index))) return [...map.values()];
  return Object.fromEntries(map);
}

export const batchHandler: Handler = (ctx, params) => {
  const commands = batchCommands(params);
  if (commands.length > MAX_BATCH_COMMANDS) throw systemErrors.batchLength();
  const halt = isTruthyFlag(params.halt ?? params.HALT);
  const sources: Sources = { result: new Map(), next: new Map(), total: new Map(), error: new Map(), time: new Map() };
  for (const [id, command] of commands) {
    const started = Date.now();
    let failed = false;
    try {
      const { method, query } = splitCommand(command);
      if (method === 'batch') throw systemErrors.batchMethod();
      const outcome: MethodResult = ctx.dispatch(method, substitute(parsePhpQuery(query), sources) as Params);
      sources.result.set(id, outcome.result);
      if (outcome.total !== undefined) sources.total.set(id, outcome.total);
      if (outcome.next !== undefined) sources.next.set(id, outcome.next);
    } catch (err) {
      sources.error.set(id, toRestError(err).toBody());
      failed = true;
    }
    sources.time.set(id, timeBlock(started, started, Date.now(), ctx.portal.offsetMin));
    if (failed && halt) break;
  }
  return {
    result: {
      result: phpArray(sources.result),
      result_error: phpArray(sources.error),
      result_total: phpArray(sources.total),
      result_next: phpArray(sources.next),
      result_time: phpArray(sources.time),
    },
  };
};
