import type { Random } from './random';
import type { FaultRule } from './types';

export type FaultOutcome = 'none' | 'error' | 'timeout' | 'rateLimit' | 'lostResponse';

export interface FaultDecision {
  latencyMs: number;
  outcome: FaultOutcome;
}

function matches(rule: FaultRule, methods: string[]): boolean {
  if (rule.method === undefined) return true;
  const wanted = rule.method.toLowerCase();
  return methods.includes(wanted);
}

/**
 * Decides, before a request runs, what goes wrong with it. `methods` holds the HTTP request's
 * method and, for a batch, every command's method: a rule aimed at `crm.lead.add` must also hit
 * the batches a batching client sends, or fault tests could never reach it.
 */
export function decideFault(rules: FaultRule[], methods: string[], random: Random): FaultDecision {
  let latencyMs = 0;
  let outcome: FaultOutcome = 'none';
  for (const rule of rules) {
    if (!matches(rule, methods)) continue;
    latencyMs = Math.max(latencyMs, rule.latencyMs ?? 0);
    if (outcome !== 'none') continue;
    if (random.chance(rule.timeoutRate)) outcome = 'timeout';
    else if (random.chance(rule.errorRate)) outcome = 'error';
    else if (random.chance(rule.rateLimitRate)) outcome = 'rateLimit';
    else if (random.chance(rule.lostResponseRate)) outcome = 'lostResponse';
  }
  return { latencyMs, outcome };
}
