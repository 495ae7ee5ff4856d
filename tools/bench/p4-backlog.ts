import { createBenchEnv } from './bench-env';
import type { BenchContext } from './context';
import { floorThroughput, type ThroughputRun } from './floor-throughput';
import { publishBulk } from './load';
import { profiles, STANDARD_COMMAND_CEILING } from './portals';
import { verdict, type BenchResult } from './report';
import { fixed } from './stats';
import { watchTaskWrites } from './write-clock';

const TARGET_SHARE = 0.8;

/**
 * P4: a backlog of N calls waits on Kafka while the bridge is down; the bridge then starts
 * against a portal with Bitrix24's real limit (2 req/s, burst 50). Achieved = commands that
 * executed / (first request → last request). The bar is 80% of the lower of the portal's
 * ceiling (2 × 50 = 100 commands/s) and what the minimal floor sustains on this run (its
 * calls/s × the commands a call needs), measured first on the same topic.
 * (docs/requirements.md frames it as a resend after reactivation; both reach Bitrix24 as a
 * backlog of whole calls, and this is the part of it the rate limit governs.)
 */
export async function benchP4(ctx: BenchContext): Promise<BenchResult> {
  const count = ctx.size(2_000, 300);
  const floorCount = ctx.size(500, 150);
  const env = await createBenchEnv(ctx.stack, 'p4', { main: 'standard' });
  let floor: ThroughputRun;
  let commands = 0;
  let requests = 0;
  let refused = 0;
  let windowSeconds = 0;
  let totalSeconds = 0;
  try {
    ctx.progress(`P4: minimal floor, ${floorCount} calls`);
    floor = await floorThroughput(env, floorCount);
    const projectId = env.projects.main as string;
    ctx.progress(`P4: ${count} calls onto Kafka while the bridge is down`);
    await publishBulk(projectId, count, env.publish);
    const clock = watchTaskWrites(env.sandbox, projectId);
    ctx.progress(`P4: bridge starting on the backlog, ${profiles.standard.label}`);
    const started = Date.now();
    await env.startBridge();
    // At the ceiling a call of ~6 commands takes 60 ms; allow three times that, plus start-up.
    await clock.waitFor(count, count * 200 + 180_000);
    totalSeconds = (Math.max(...clock.writtenAt.values()) - started) / 1000;
    clock.detach();
    const log = env.sandbox.admin.requestLog(projectId);
    const ok = log.filter((entry) => entry.status === 200);
    requests = log.length;
    refused = requests - ok.length;
    commands = ok.reduce((sum, entry) => sum + entry.commands, 0);
    windowSeconds = ((ok[ok.length - 1]?.at ?? 0) - (log[0]?.at ?? 0)) / 1000;
  } finally {
    await env.stop();
  }
  const commandsPerCall = commands / count;
  // What the floor could feed Bitrix24 on this box if each of its calls needed the bridge's commands.
  const floorBound = floor.perSecond * commandsPerCall;
  const bar = Math.min(STANDARD_COMMAND_CEILING, floorBound);
  const rate = commands / windowSeconds;
  const share = rate / bar;
  const bound = floorBound < STANDARD_COMMAND_CEILING ? 'the floor' : 'the portal\'s ceiling';
  return {
    target: 'p4',
    title: 'backlog drain under the real rate limit',
    goal: `≥ ${TARGET_SHARE * 100}% of min(portal ceiling 2 req/s × 50 = ${STANDARD_COMMAND_CEILING} commands/s, what the minimal floor sustains) on a 2,000-call backlog`,
    figures: [
      ['achieved', `${fixed(rate, 1)} commands/s = ${fixed(share * 100, 0)}% of the bar  (${commands} commands in ${fixed(windowSeconds, 1)} s, first → last request)`],
      ['ceiling', `${STANDARD_COMMAND_CEILING} commands/s  [${profiles.standard.label}]`],
      ['floor', `${fixed(floorBound, 1)} commands/s: the minimal floor's ${fixed(floor.perSecond)} calls/s (${floorCount} calls) × ${fixed(commandsPerCall, 1)} commands a call`],
      ['bar', `${fixed(bar, 1)} commands/s, set by ${bound}`],
      ['requests', `${requests} (${fixed(requests / windowSeconds, 2)}/s; ${refused} refused with 503), ${fixed(commands / Math.max(1, requests - refused), 1)} commands each`],
      ['backlog', `${count} calls written ${fixed(totalSeconds, 1)} s after the bridge started (${fixed(count / totalSeconds, 1)} calls/s, start-up included)`],
    ],
    verdict: verdict(share >= TARGET_SHARE),
    because: `${fixed(rate, 1)} commands/s = ${fixed(share * 100, 0)}% ${share >= TARGET_SHARE ? '≥' : '<'} ${TARGET_SHARE * 100}% of ${fixed(bar, 1)} (${bound})`,
    notes: [
      'the window opens with the portal\'s 50-request burst, so a short (quick) backlog can read above its steady rate; the 2,000-call run is dominated by the steady 2 req/s',
      'the floor runs first on the same topic, then the backlog is published and the bridge starts on it',
    ],
  };
}
