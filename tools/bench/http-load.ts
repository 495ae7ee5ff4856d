import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * An open-loop HTTP load: request i leaves at start + i/rate whether or not earlier answers
 * came back (a closed loop would slow down with the server and hide its queueing). Keep-alive
 * sockets, as Ringostat's platform would reuse connections. Latency is measured client-side
 * from the moment the request was issued to the end of its body.
 */
export interface LoadResult {
  clientMs: number[];
  statuses: Map<number, number>;
  /** Requests per second actually issued (the generator shares the CPU with the server). */
  achievedRate: number;
}

export async function openLoopLoad(options: {
  baseUrl: string;
  rate: number;
  count: number;
  path: (i: number) => string;
  headers?: Record<string, string>;
}): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 128 });
  const clientMs: number[] = [];
  const statuses = new Map<number, number>();
  const inFlight: Promise<void>[] = [];
  const interval = 1000 / options.rate;
  const start = performance.now();
  let sent = 0;
  try {
    while (sent < options.count) {
      const due = Math.min(options.count, Math.floor((performance.now() - start) / interval) + 1);
      for (; sent < due; sent += 1) {
        inFlight.push(request(agent, `${options.baseUrl}${options.path(sent)}`, options.headers ?? {}).then(({ status, ms }) => {
          clientMs.push(ms);
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
        }));
      }
      await sleep(1);
    }
    const issuedIn = (performance.now() - start) / 1000;
    await Promise.all(inFlight);
    return { clientMs, statuses, achievedRate: options.count / Math.max(issuedIn, interval / 1000) };
  } finally {
    agent.destroy();
  }
}

/** One GET, body read to the end. */
export function request(agent: http.Agent | undefined, url: string, headers: Record<string, string>): Promise<{ status: number; ms: number; body: string }> {
  const issued = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => { body += chunk; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - issued, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

export function formatStatuses(statuses: ReadonlyMap<number, number>): string {
  return [...statuses].sort(([a], [b]) => a - b).map(([status, n]) => `${n}×${status}`).join(' ');
}
