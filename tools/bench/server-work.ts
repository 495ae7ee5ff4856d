import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { AroundBurst } from './floor-throughput';
import type { BenchStack } from './stack';
import { fixed } from './stats';

/**
 * What the Temporal server did, read from its own counters: its process's CPU time and, from its
 * Prometheus metrics, the history service's requests by operation and its persistence requests.
 * On the 2-core build box the dev server is the stack's ceiling (one core busy while the worker
 * and Kafka leave the other partly idle), so its work per call is what a design pays in
 * throughput; P2 prints it for the floor and the bridge side by side.
 */
export interface ServerWork {
  cpuSeconds: number;
  /** History service requests by operation (frontend and matching repeat them). */
  history: Record<string, number>;
  /** Persistence requests of every service, summed, and the mutable-state writes among them. */
  persistence: number;
  stateWrites: number;
}

/** What the stack's own dev server has done so far; undefined for an external Temporal. */
export async function serverWork(stack: BenchStack): Promise<ServerWork | undefined> {
  if (!stack.temporalMetricsUrl || !stack.temporalPid) return undefined;
  const text = await fetch(stack.temporalMetricsUrl, { signal: AbortSignal.timeout(5_000) }).then((r) => r.text());
  const work: ServerWork = { cpuSeconds: cpuSecondsOf(stack.temporalPid), history: {}, persistence: 0, stateWrites: 0 };
  for (const line of text.split('\n')) {
    const m = /^(service_requests|persistence_requests)\{([^}]*)\} ([0-9.e+]+)$/.exec(line);
    if (!m) continue;
    const labels = Object.fromEntries([...m[2]!.matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]]));
    const value = Number(m[3]);
    if (m[1] === 'persistence_requests') {
      work.persistence += value;
      if (labels.operation === 'UpdateWorkflowExecution' || labels.operation === 'CreateWorkflowExecution') work.stateWrites += value;
    } else if (labels.service_name === 'history' && labels.operation) {
      work.history[labels.operation] = (work.history[labels.operation] ?? 0) + value;
    }
  }
  return work;
}

/**
 * Reads the server's work around one burst of `calls` calls: `around` wraps the burst, `perCall`
 * then gives the figures P2 prints (empty until the burst ran).
 */
export function burstWork(stack: BenchStack, calls: number): { around: AroundBurst; perCall(): string } {
  let figures = '';
  return {
    async around(burst) {
      const before = await serverWork(stack);
      const result = await burst();
      figures = workPerCall(before, await serverWork(stack), calls);
      return result;
    },
    perCall: () => figures,
  };
}

/** The work between two readings, a call. */
function workPerCall(before: ServerWork | undefined, after: ServerWork | undefined, calls: number): string {
  if (!before || !after) return 'not measured (an external Temporal)';
  const per = (a: number, b: number) => (b - a) / calls;
  const op = (name: string) => per(before.history[name] ?? 0, after.history[name] ?? 0);
  return [
    `${fixed(per(before.cpuSeconds, after.cpuSeconds) * 1000, 0)} ms server CPU`,
    `${fixed(op('RespondWorkflowTaskCompleted'), 1)} workflow tasks`,
    `${fixed(op('RespondActivityTaskCompleted'), 1)} activities`,
    `${fixed(op('RecordActivityTaskHeartbeat'), 1)} heartbeats`,
    `${fixed(op('ExecuteMultiOperation') + op('UpdateWorkflowExecution'), 1)} updates`,
    `${fixed(per(before.stateWrites, after.stateWrites), 1)} state writes`,
    `${fixed(per(before.persistence, after.persistence), 1)} persistence requests`,
  ].join(', ');
}

let ticksPerSecond: number | undefined;

/** utime + stime of a process on Linux, in seconds (the Temporal CLI is the server itself, one Go binary). */
function cpuSecondsOf(pid: number): number {
  ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
}
