import { parkedCallsQuery } from '../../integration/integration-client';
import { readIntegrationStatus } from '../../integration/resend-progress';
import { runBenchCli, type CliRun } from './bench-cli';
import { createBenchEnv } from './bench-env';
import type { BenchContext } from './context';
import { publishBulk } from './load';
import { verdict, type BenchResult } from './report';
import { fixed, formatSummary, summarize, type Summary } from './stats';
import { IN_PROGRESS_SHARE, LOST_SHARE, seedP8Window, terminateAll } from './p8-volume';

/** Issue 15's done-when: per-call time at the largest window within 1.5× of that at the smallest. */
const SLOPE_BAR = 1.5;
/** `status` must answer within this, every time, during the resend. */
const STATUS_BAR_MS = 2_000;

interface OutageRow {
  calls: number;
  messages: number;
  /** The reactivation's resend as the bridge recorded it (lastResend startedAt → finishedAt). */
  resendSeconds: number;
  resend: { calls: number; resent: number; alreadyDone: number; inProgress: number; skipped: number; failed: number };
  cli: CliRun;
  /** Every `status` CLI run during the reactivation: wall time (process start included) and exit codes. */
  status: Summary;
  statusCodes: number[];
  /** The same state read in-process once a second, as `status` reads it (no process start). */
  statusRead: Summary;
}

/**
 * Issue 15's table, rerun as the issue ran it: one project's calls in Kafka inside the 3-day window,
 * a bridge with the worker and no dispatcher (BRIDGE_COMPONENTS=worker,http), the project's token
 * dead (one call parked on it), then the operator's `reactivate` through the CLI in a process of
 * its own, and `status` through the CLI, one run after another, throughout. Figures: the resend in
 * the bridge (from the integration's lastResend), the CLI's exit and wall time, status's exits and
 * times. Sizes 3,000, 15,000 and 75,000 calls (quick: 3,000 and 15,000), with as many events
 * again of another project beside each call's three.
 */
export async function benchP8Outage(ctx: BenchContext): Promise<BenchResult> {
  const sizes = ctx.quick ? [3_000, 15_000] : [3_000, 15_000, 75_000];
  const rows: OutageRow[] = [];
  for (const calls of sizes) rows.push(await measureOutage(ctx, ctx.size(calls, calls)));
  const perCall = (r: OutageRow) => (r.resendSeconds * 1000) / r.calls;
  const first = rows[0] as OutageRow;
  const last = rows[rows.length - 1] as OutageRow;
  const slope = perCall(last) / perCall(first);
  const cliOk = rows.every((r) => r.cli.code === 0);
  const statusOk = rows.every((r) => r.statusCodes.every((c) => c === 0 || c === 3) && r.statusRead.max <= STATUS_BAR_MS);
  return {
    target: 'p8-outage', title: 'A 3-day outage through the CLI (issue 15\'s table, part of P8)',
    goal: `reactivate exits 0 at every size, status answers throughout (≤ ${STATUS_BAR_MS} ms as read), resend per-call time at ${last.calls} ≤ ${SLOPE_BAR}× that at ${first.calls}`,
    figures: rows.flatMap((r): Array<[string, string]> => [
      [`outage ${r.calls}`, `resend ${fixed(r.resendSeconds, 1)} s (${fixed(perCall(r), 3)} ms/call, ${r.messages} messages: ${r.resend.calls} calls, ${r.resend.skipped} skipped, ${r.resend.inProgress} in progress, ${r.resend.alreadyDone} done, ${r.resend.resent} resent, ${r.resend.failed} failed); reactivate exit ${r.cli.code} after ${fixed(r.cli.ms / 1000, 1)} s`],
      [`status ${r.calls}`, `CLI ${r.statusCodes.length} runs, exits ${[...new Set(r.statusCodes)].join('/')}: ${formatSummary(r.status)} (process start included); read in-process ${formatSummary(r.statusRead)}`],
    ]),
    verdict: verdict(cliOk && statusOk && slope <= SLOPE_BAR),
    because: `reactivate ${cliOk ? 'exited 0 every time' : 'failed'}; status ${statusOk ? 'answered throughout' : 'did not answer throughout'}; per-call ${fixed(perCall(last), 3)} ms at ${last.calls} / ${fixed(perCall(first), 3)} ms at ${first.calls} = ${fixed(slope, 2)}×`,
    notes: [`window: ${(1 - IN_PROGRESS_SHARE - LOST_SHARE) * 100}% of the calls ended before it (Kafka got them inside it), ${IN_PROGRESS_SHARE * 100}% run since before the resend, ${LOST_SHARE * 100}% lost; plus three events of another project per call`],
  };
}

async function measureOutage(ctx: BenchContext, calls: number): Promise<OutageRow> {
  const env = await createBenchEnv(ctx.stack, `p8-outage-${calls}`, { main: 'unlimited', other: 'unlimited' });
  try {
    const projectId = env.projects.main as string;
    const project = env.config.projects.find((p) => p.id === projectId)!;
    // The token dies and a live call parks on it: the integration is broken, as on a Friday evening.
    let bridge = await env.startBridge();
    env.sandbox.admin.revokeWebhook(project.bitrix24.webhookUrl);
    await publishBulk(projectId, 1, env.publish);
    const parked = async () => (await env.temporal.workflow.count(parkedCallsQuery(projectId))).count;
    for (const deadline = Date.now() + 120_000; (await parked()) < 1;) {
      if (Date.now() > deadline) throw new Error('the call on the dead token did not park');
      await new Promise((r) => setTimeout(r, 1_000));
    }
    await bridge.stop();

    const seeded = await seedP8Window(ctx, env, calls, `p8-outage-idle-${calls}`);

    // As the issue ran it: the worker (and HTTP) alone; nothing reads the topic live.
    bridge = await env.startBridge({ dispatcher: false });
    ctx.progress(`P8 outage ${calls}: ${seeded.messages} messages in Kafka; reactivating through the CLI, status through the CLI throughout`);
    let reactivating = true;
    const statusRuns: CliRun[] = [];
    const statusCli = (async () => {
      while (reactivating) statusRuns.push(await runBenchCli(env, ['status', '--project', projectId, '--json'], { timeoutMs: 60_000 }));
    })();
    const readMs: number[] = [];
    const statusRead = (async () => {
      while (reactivating) {
        const t = Date.now();
        await readIntegrationStatus(env.temporal, projectId).catch(() => undefined);
        readMs.push(Date.now() - t);
        await new Promise((r) => setTimeout(r, 1_000));
      }
    })();
    const cli = await runBenchCli(env, ['reactivate', '--project', projectId, '--webhook-url', '-'],
      { stdin: `${env.sandbox.admin.createWebhook(projectId, 1)}\n`, timeoutMs: 30 * 60_000 });
    reactivating = false;
    await Promise.all([statusCli, statusRead]);
    const state = await readIntegrationStatus(env.temporal, projectId);
    const last = state?.lastResend;
    if (!last?.finishedAt) throw new Error(`no finished resend after the reactivation (exit ${cli.code}): ${cli.stderr}`);
    const resendSeconds = (Date.parse(last.finishedAt) - Date.parse(last.startedAt)) / 1000;
    ctx.progress(`P8 outage ${calls}: reactivate exit ${cli.code} in ${fixed(cli.ms / 1000, 1)} s; resend ${fixed(resendSeconds, 1)} s; ${statusRuns.length} status runs`);
    await bridge.stop();
    await terminateAll(env, seeded.inProgressCallIds, projectId);
    return {
      calls, messages: seeded.messages, resendSeconds,
      resend: { calls: last.calls, resent: last.resent, alreadyDone: last.alreadyDone, inProgress: last.inProgress ?? 0, skipped: last.skipped, failed: last.failed },
      cli, status: summarize(statusRuns.map((r) => r.ms)), statusCodes: statusRuns.map((r) => r.code), statusRead: summarize(readMs),
    };
  } finally {
    await env.stop();
  }
}
