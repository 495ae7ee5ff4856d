import { createBenchEnv } from './bench-env';
import type { BenchContext } from './context';
import { publishPaced } from './load';
import { profiles } from './portals';
import { verdict, type BenchResult } from './report';
import { fixed } from './stats';
import { watchTaskWrites } from './write-clock';

const RATE = 20;
const TARGET = 1.0;

/**
 * P3: Bitrix24 HTTP requests per call at 20 calls/s, from the sandbox's request log of the
 * project's portal (every request, refused ones too). Beside it the unbatched figure: the
 * commands those requests carried per call — what one request per command would cost.
 * Standard-plan portal: the limiter is what lets commands of many calls share a batch (B8).
 */
export async function benchP3(ctx: BenchContext): Promise<BenchResult> {
  const count = ctx.size(RATE * 30, RATE * 10);
  const seconds = count / RATE;
  const env = await createBenchEnv(ctx.stack, 'p3', { main: 'standard' });
  let requests = 0;
  let refused = 0;
  let commands = 0;
  let drainSeconds = 0;
  try {
    const projectId = env.projects.main as string;
    const clock = watchTaskWrites(env.sandbox, projectId);
    await env.startBridge();
    ctx.progress(`P3: ${count} calls at ${RATE}/s, ${profiles.standard.label}`);
    await publishPaced({ projectId, ratePerSecond: RATE, count, talkMs: 1000, publish: env.publish });
    const published = Date.now();
    await clock.waitFor(count, count * 1_000 + 120_000);
    drainSeconds = (Math.max(...clock.writtenAt.values()) - published) / 1000;
    clock.detach();
    const log = env.sandbox.admin.requestLog(projectId);
    requests = log.length;
    refused = log.filter((entry) => entry.status !== 200).length;
    // Commands that executed: a refused batch ran nothing, and its retry is counted when it runs.
    commands = log.filter((entry) => entry.status === 200).reduce((sum, entry) => sum + entry.commands, 0);
  } finally {
    await env.stop();
  }
  const perCall = requests / count;
  const unbatched = commands / count;
  return {
    target: 'p3',
    title: 'Bitrix24 HTTP requests per call',
    goal: `≤ ${TARGET.toFixed(1)} request per call at ${RATE} calls/s (batching across calls, B8)`,
    figures: [
      ['batched', `${fixed(perCall, 3)} requests/call  (${requests} requests for ${count} calls, ${refused} refused by the portal)  [${profiles.standard.label}]`],
      ['unbatched', `${fixed(unbatched, 2)} requests/call  (${commands} commands: one request per command)`],
      ['batching', `${fixed(commands / Math.max(1, requests - refused), 1)} commands per request on average`],
      ['floor', 'none: the minimal floor makes no Bitrix24 request; the bar (≤ 1.0) is absolute'],
    ],
    verdict: verdict(perCall <= TARGET),
    because: `${fixed(perCall, 3)} ${perCall <= TARGET ? '≤' : '>'} ${TARGET.toFixed(1)}`,
    notes: [
      `calls: incoming, answered, new number each; ${count} calls over ${seconds} s, the last written ${fixed(drainSeconds, 1)} s after the last was published`,
      `at ${RATE} calls/s × ${fixed(unbatched, 1)} commands a call is above the standard plan's 100 commands/s, and above the minimal floor's rate on this box (see P2): calls queue, then drain`,
    ],
  };
}
