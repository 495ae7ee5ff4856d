import { monitorEventLoopDelay } from 'node:perf_hooks';
import { temporal as proto } from '@temporalio/proto';
import { encodeToPayloads } from '@temporalio/common/lib/internal-non-workflow';
import { readTopicSince } from '../../dispatcher/event-window-reader';
import { callWorkflowTarget } from '../../dispatcher/deliver';
import { resendProjectEvents } from '../../dispatcher/resend-events';
import { parkedCallsQuery, releaseParkedCalls } from '../../integration/integration-client';
import { callWorkflowV2 } from '../../workflows';
import { PARKED_SAFETY_CHECK_MS } from '../../workflows/call-actor';
import { CallPhaseKey, callWorkflowId, clientCreationShardId, ProjectIdKey, resumeSignal } from '../../workflows/contract';
import { seedResendVolume, type SeededVolume } from '../testkit/resend-volume';
import { createBenchEnv, type BenchEnv } from './bench-env';
import type { BenchContext } from './context';
import { verdict, type BenchResult } from './report';
import { newCall, publishBulk } from './load';
import { reactivateProject } from './reactivate-project';
import { fixed, formatSummary, summarize, type Summary } from './stats';
import { watchTaskWrites } from './write-clock';
import { readIntegrationStatus } from '../../integration/resend-progress';

/** Of the calls in a window: most ended before it (Kafka got them late), some run since before the resend, a few were lost. */
export const IN_PROGRESS_SHARE = 0.06;
export const LOST_SHARE = 0.002;
/** docs/requirements.md P8: per-call time at the largest window at most 1.3× that at the smallest. */
const SLOPE_BAR = 1.3;

interface Measured {
  calls: number;
  messages: number;
  seconds: number;
  floorSeconds: number;
  /** Another project's live calls during the resend, through a bridge in the same process. */
  live?: { lead: Summary; status: Summary; calls: number };
}

/** Live calls of another project while the largest window is resent: P1's felt latency must hold (p99 ≤ 2 s). */
const LIVE_RATE = 2;
const LIVE_P99_BAR_MS = 2_000;

/**
 * P8 (issue 15): the resend after a reactivation, at volume. For each window size: one project's
 * calls (and as many events of another project) in Kafka; the resend (dispatcher/resend-events.ts,
 * what the reactivation workflow's activity runs) reads them and does what each needs — skip,
 * one describe for a call running since before, a delivery for a lost one. Beside it the floor of
 * the same run: reading the same window and doing nothing with it. Per-call time must stay flat
 * as the window grows. Release: parked calls signalled with bounded parallelism.
 */
export async function benchP8(ctx: BenchContext): Promise<BenchResult> {
  const sizes = ctx.quick ? [ctx.size(15_000, 3_000), ctx.size(60_000, 15_000)] : [15_000, 60_000, 150_000].map((n) => ctx.size(n, n));
  const results: Measured[] = [];
  // Every size under the same conditions: another project's live calls go on during each resend.
  for (const calls of sizes) results.push(await measureResend(ctx, calls));
  const perCall = (m: Measured) => (m.seconds * 1000) / m.calls;
  const first = results[0] as Measured;
  const last = results[results.length - 1] as Measured;
  const slope = perCall(last) / perCall(first);
  const release = await measureRelease(ctx, ctx.size(10_000, 2_000), 'bounded');
  const batch = await measureRelease(ctx, ctx.size(10_000, 2_000), 'batch');
  const backlog = await measureBacklog(ctx, ctx.size(2_000, 500));
  const looksPerDay = Math.round(86_400_000 / PARKED_SAFETY_CHECK_MS);
  return {
    target: 'p8', title: 'Resend and release at volume',
    goal: `resend per-call time at ${last.calls} calls ≤ ${SLOPE_BAR}× that at ${first.calls}; heartbeat offsets and counters only`,
    figures: [
      ...results.map((m): [string, string] => [`resend ${m.calls}`, `${fixed(m.calls / m.seconds, 0)} calls/s, ${fixed(perCall(m), 3)} ms/call (${m.messages} messages in ${fixed(m.seconds, 1)} s)`]),
      ...results.map((m): [string, string] => [`floor ${m.calls}`, `${fixed(m.calls / m.floorSeconds, 0)} calls/s, ${fixed((m.floorSeconds * 1000) / m.calls, 3)} ms/call (read only)`]),
      ...(last.live ? [
        ['live lead', `${formatSummary(last.live.lead)}  [another project's call.answered → its lead, ${last.live.calls} calls at ${LIVE_RATE}/s during the ${last.calls}-call resend, same process; every size ran with such calls]`] as [string, string],
        ['live status', `${formatSummary(last.live.status)}  [that project's integration state read as \`status\` reads it, every second during the resend]`] as [string, string],
      ] : []),
      ...backlogFigures(backlog),
      ['parked cost', `${looksPerDay} looks a day, each 1 timer + 1 local activity: ${looksPerDay * 2} actions a day per parked call, ${looksPerDay * 6} over 3 days plus the park itself (P7 parked-then-resumed); the hourly look before issue 15: 48 a day, 144 over 3 days (computed from workflows/call-actor.ts, not measured)`],
      ['release', `${release.count} parked calls signalled in ${fixed(release.seconds, 1)} s = ${fixed(release.count / release.seconds, 0)} signals/s, ${RELEASE_LABEL.bounded} (${fixed(release.count / release.seconds * 900, 0)} calls in 15 min at this rate)`],
      ['release batch', `${batch.count} parked calls signalled in ${fixed(batch.seconds, 1)} s = ${fixed(batch.count / batch.seconds, 0)} signals/s, ${RELEASE_LABEL.batch} (${fixed(batch.count / batch.seconds * 900, 0)} calls in 15 min)`],
    ],
    verdict: verdict(slope <= SLOPE_BAR && (last.live?.lead.p99 ?? 0) <= LIVE_P99_BAR_MS && (last.live?.status.p99 ?? 0) <= LIVE_P99_BAR_MS
      && backlog.lead.p99 <= LIVE_P99_BAR_MS && backlog.status.p99 <= LIVE_P99_BAR_MS),
    because: `per-call ${fixed(perCall(last), 3)} ms at ${last.calls} / ${fixed(perCall(first), 3)} ms at ${first.calls} = ${fixed(slope, 2)}×`
      + (last.live ? `; live p99 lead ${fixed(last.live.lead.p99, 0)} ms, status ${fixed(last.live.status.p99, 0)} ms (≤ ${LIVE_P99_BAR_MS})` : '')
      + `; behind a resumed backlog: live p99 lead ${fixed(backlog.lead.p99, 0)} ms, status ${fixed(backlog.status.p99, 0)} ms`,
    notes: [`window: ${(1 - IN_PROGRESS_SHARE - LOST_SHARE) * 100}% ended before it, ${IN_PROGRESS_SHARE * 100}% running since before the resend, ${LOST_SHARE * 100}% lost; plus the same number of another project's events`],
  };
}

/** P8's backlog part alone (`--only p8-backlog`): another project's live calls behind a resumed backlog. */
export async function benchP8Backlog(ctx: BenchContext): Promise<BenchResult> {
  const backlog = await measureBacklog(ctx, ctx.size(2_000, 500));
  return {
    target: 'p8-backlog', title: 'Live calls behind a resumed backlog (part of P8)',
    goal: `another project's live calls keep p99 ≤ ${LIVE_P99_BAR_MS} ms (lead at answer, and status) while a reactivated project's parked calls drain`,
    figures: backlogFigures(backlog),
    verdict: verdict(backlog.lead.p99 <= LIVE_P99_BAR_MS && backlog.status.p99 <= LIVE_P99_BAR_MS),
    because: `behind a resumed backlog: live p99 lead ${fixed(backlog.lead.p99, 0)} ms, status ${fixed(backlog.status.p99, 0)} ms`,
  };
}

function backlogFigures(backlog: Backlog): Array<[string, string]> {
  return [
    ['backlog live', `${formatSummary(backlog.lead)}  [another project's call.answered → its lead while ${backlog.parked} resumed calls of a project on the standard portal (2 req/s) drain, ${backlog.calls} live calls at ${LIVE_RATE}/s, one worker]`],
    ['backlog', `${backlog.parked} parked calls: reactivated, all written ${fixed(backlog.drainSeconds, 0)} s later (the portal's 2 req/s × 50 commands is the bound); live status p99 ${fixed(backlog.status.p99, 0)} ms`],
  ];
}

async function measureResend(ctx: BenchContext, calls: number): Promise<Measured> {
  const env = await createBenchEnv(ctx.stack, `p8-${calls}`, { main: 'unlimited', other: 'unlimited' });
  const liveEnv = await createBenchEnv(ctx.stack, `p8-live-${calls}`, { live: 'unlimited' });
  try {
    const projectId = env.projects.main as string;
    const seeded = await seedP8Window(ctx, env, calls, `p8-idle-${calls}`);
    let started = Date.now();
    await readTopicSince({ kafka: env.kafka, topic: env.topic, since: new Date(0), onBatch: async () => undefined });
    const floorSeconds = (Date.now() - started) / 1000;
    ctx.progress(`P8 resend: floor read ${seeded.messages} messages in ${fixed(floorSeconds, 1)} s; resending`);
    const live = await startLiveLoad(liveEnv);
    started = Date.now();
    let largest = 0;
    // The window: a day back; the skipped calls happened four days ago (Kafka got them inside it).
    const summary = await resendProjectEvents({
      kafka: env.kafka, temporal: env.temporal, config: env.config, projectId, topic: env.topic, since: new Date(Date.now() - 86_400_000),
      startedAt: new Date(), target: { ...callWorkflowTarget, taskQueue: `p8-idle-${calls}` }, onCheckpoint: (c) => { largest = Math.max(largest, JSON.stringify(c).length); },
    });
    const seconds = (Date.now() - started) / 1000;
    const liveFigures = await live.finish();
    ctx.progress(`P8 resend ${calls}: ${fixed(seconds, 1)} s; calls ${summary.calls}, skipped ${summary.skipped}, in progress ${summary.inProgress}, resent ${summary.resent}, failed ${summary.failed}; largest checkpoint ${largest} bytes`);
    if (summary.calls !== calls || summary.failed > 0) throw new Error(`the resend counted ${summary.calls} of ${calls} calls, ${summary.failed} failed`);
    await terminateAll(env, seeded.inProgressCallIds.concat(seeded.lostCallIds), projectId);
    return { calls, messages: seeded.messages, seconds, floorSeconds, live: liveFigures };
  } finally {
    await liveEnv.stop();
    await env.stop();
  }
}

/**
 * P8's window in Kafka for the env's `main` project: `calls` calls in P8's mix (IN_PROGRESS_SHARE
 * running on `idleTaskQueue`, LOST_SHARE lost, the rest ended before the window) and three events
 * of the `other` project per call; then the few seconds after which the resend no longer takes
 * the seeded workflows for possibly its own (dispatcher/call-verdict.ts).
 */
export async function seedP8Window(ctx: BenchContext, env: BenchEnv, calls: number, idleTaskQueue: string): Promise<SeededVolume> {
  const inProgress = Math.round(calls * IN_PROGRESS_SHARE);
  const lost = Math.max(1, Math.round(calls * LOST_SHARE));
  ctx.progress(`P8: seeding ${calls} calls (${inProgress} running, ${lost} lost) and ${calls * 3} events of another project`);
  const producer = env.kafka.producer();
  await producer.connect();
  try {
    const seeded = await seedResendVolume({
      producer, temporal: env.temporal, topic: env.topic, projectId: env.projects.main as string, otherProjectId: env.projects.other as string,
      shape: { skipped: calls - inProgress - lost, inProgress, lost, otherEvents: calls * 3 }, idleTaskQueue,
    });
    await new Promise((r) => setTimeout(r, 6_000));
    return seeded;
  } finally {
    await producer.disconnect();
  }
}

/**
 * Another project's live calls through a bridge in this process (the resend's event loop is
 * theirs too): one call every 1/LIVE_RATE s, call.ended a second after answer, and its
 * integration state read once a second, until `finish()`.
 */
async function startLiveLoad(env: BenchEnv, bridgeRunning = false): Promise<{ finish(): Promise<{ lead: Summary; status: Summary; calls: number }> }> {
  const projectId = env.projects.live as string;
  if (!bridgeRunning) await env.startBridge();
  const clock = watchTaskWrites(env.sandbox, projectId);
  const answeredAt = new Map<string, number>();
  const numbers = new Map<string, string>();
  const statusMs: number[] = [];
  // BENCH_DIAG: how long this process's event loop (worker's activities, dispatcher, sandbox) was held meanwhile.
  const loopDelay = monitorEventLoopDelay({ resolution: 20 });
  loopDelay.enable();
  let running = true;
  const calls = (async () => {
    while (running) {
      const call = newCall(projectId, 1);
      answeredAt.set(call.callId, Date.now());
      numbers.set(call.callId, call.clientE164);
      await env.publish(call.opening);
      // A lost call.ended shows as a call with no lead time, never as a crash of the benchmark.
      setTimeout(() => { env.publish([call.ended]).catch(() => undefined); }, 1_000);
      await new Promise((r) => setTimeout(r, 1000 / LIVE_RATE));
    }
  })();
  const status = (async () => {
    while (running) {
      const t = Date.now();
      await readIntegrationStatus(env.temporal, projectId).catch(() => undefined);
      statusMs.push(Date.now() - t);
      await new Promise((r) => setTimeout(r, 1_000));
    }
  })();
  return {
    async finish() {
      running = false;
      await Promise.all([calls, status]);
      await clock.waitFor(answeredAt.size, 120_000).catch(() => undefined);
      clock.detach();
      const lead = [...answeredAt].flatMap(([callId, at]) => {
        const done = clock.leadAt.get(callId);
        return done === undefined ? [] : [done - at];
      });
      loopDelay.disable();
      if (process.env.BENCH_DIAG) {
        process.stderr.write(`DIAG event-loop delay: p50 ${fixed(loopDelay.percentile(50) / 1e6, 0)} ms, p99 ${fixed(loopDelay.percentile(99) / 1e6, 0)} ms, max ${fixed(loopDelay.max / 1e6, 0)} ms\n`);
        await printSlowest(env, projectId, answeredAt, clock.leadAt, numbers);
      }
      return { lead: summarize(lead), status: summarize(statusMs), calls: answeredAt.size };
    },
  };
}

/** BENCH_DIAG: the three slowest live calls' histories, and their numbers' client-creation shards (the current run), as timelines from their call.answered (where the time went). */
async function printSlowest(env: BenchEnv, projectId: string, answeredAt: ReadonlyMap<string, number>, leadAt: ReadonlyMap<string, number>, numbers: ReadonlyMap<string, string>): Promise<void> {
  const slow = [...answeredAt].map(([callId, at]) => ({ callId, at, ms: (leadAt.get(callId) ?? Infinity) - at }))
    .sort((a, b) => b.ms - a.ms).slice(0, 3);
  for (const call of slow) {
    const e164 = numbers.get(call.callId);
    for (const workflowId of [callWorkflowId(projectId, call.callId), ...(e164 ? [clientCreationShardId(projectId, e164)] : [])]) {
      const history = await env.temporal.withDeadline(Date.now() + 10_000, () => env.temporal.workflow.getHandle(workflowId).fetchHistory())
        .catch(() => undefined);
      const lines = (history?.events ?? []).map((e) => {
        const offset = Number(e.eventTime?.seconds ?? 0) * 1000 + Math.round((e.eventTime?.nanos ?? 0) / 1e6) - call.at;
        const what = e.activityTaskScheduledEventAttributes?.activityType?.name ?? e.markerRecordedEventAttributes?.markerName ?? '';
        return `  +${offset}ms ${proto.api.enums.v1.EventType[e.eventType as number] ?? e.eventType} ${what}`;
      });
      process.stderr.write(`DIAG ${workflowId} lead ${call.ms} ms\n${lines.join('\n')}\n`);
    }
  }
}

const RELEASE_LABEL = {
  bounded: 'releaseParkedCalls: visibility pages, 64 signals in flight',
  batch: 'Temporal batch operation (one StartBatchOperation, the server signals at up to 1,000/s asked)',
};

/** Running workflows listed as parked (the search attribute set at start), woken as a reactivation would. */
async function measureRelease(ctx: BenchContext, count: number, how: 'bounded' | 'batch'): Promise<{ count: number; seconds: number }> {
  const env = await createBenchEnv(ctx.stack, `p8-release-${how}`, { main: 'unlimited' });
  try {
    const projectId = env.projects.main as string;
    ctx.progress(`P8 release: starting ${count} parked stand-ins`);
    const ids = Array.from({ length: count }, (_, i) => `p8-parked-${i}`);
    for (let i = 0; i < ids.length; i += 32) {
      await Promise.all(ids.slice(i, i + 32).map((callId) => env.temporal.workflow.start(callWorkflowV2, {
        workflowId: callWorkflowId(projectId, callId), taskQueue: 'p8-idle-release', args: [{ projectId, callId }],
        typedSearchAttributes: [{ key: ProjectIdKey, value: projectId }, { key: CallPhaseKey, value: 'parked' }],
      })));
    }
    while ((await env.temporal.workflow.count(parkedCallsQuery(projectId))).count < count) await new Promise((r) => setTimeout(r, 500));
    ctx.progress(`P8 release (${RELEASE_LABEL[how]}): ${count} parked`);
    const started = Date.now();
    const released = how === 'bounded'
      ? (await releaseParkedCalls(env.temporal, projectId, { resume: { credentialsVersion: 1 } })).released
      : await batchSignal(env, parkedCallsQuery(projectId));
    const seconds = (Date.now() - started) / 1000;
    await terminateAll(env, ids, projectId);
    return { count: released, seconds };
  } finally {
    await env.stop();
  }
}

/** Workflows a benchmark seeded (running calls on a queue no worker polls): closed, so they do not stay in the namespace. */
export async function terminateAll(env: BenchEnv, callIds: string[], projectId: string): Promise<void> {
  for (let i = 0; i < callIds.length; i += 64) {
    await Promise.all(callIds.slice(i, i + 64).map((callId) => env.temporal.workflow.getHandle(callWorkflowId(projectId, callId)).terminate('benchmark done').catch(() => undefined)));
  }
}

/** The same release as one server-side batch operation: start it, then wait for it to finish. */
async function batchSignal(env: BenchEnv, visibilityQuery: string): Promise<number> {
  const service = env.temporal.workflowService;
  const jobId = `p8-release-${Date.now()}`;
  const payloads = await encodeToPayloads(env.temporal.options.loadedDataConverter, { credentialsVersion: 1 });
  await service.startBatchOperation({
    namespace: 'default', jobId, reason: 'P8 release', visibilityQuery, maxOperationsPerSecond: 1_000,
    signalOperation: { signal: resumeSignal.name, input: { payloads }, identity: 'bench-p8' },
  });
  for (;;) {
    const d = await service.describeBatchOperation({ namespace: 'default', jobId });
    if (d.state === proto.api.enums.v1.BatchOperationState.BATCH_OPERATION_STATE_COMPLETED) return Number(d.completeOperationCount ?? 0);
    if (d.state === proto.api.enums.v1.BatchOperationState.BATCH_OPERATION_STATE_FAILED) throw new Error(`batch operation failed: ${d.reason ?? ''}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Item 5 of issue 15 at a size this box parks in minutes: a project on the standard portal parks
 * `count` calls (webhook revoked), is reactivated, and its resumed calls drain at the portal's
 * pace through the same worker as another project's live calls. Their felt latency is measured
 * meanwhile: the backlog's tasks run at BACKLOG_PRIORITY, behind live ones.
 */
interface Backlog { lead: Summary; status: Summary; calls: number; parked: number; drainSeconds: number }

async function measureBacklog(ctx: BenchContext, count: number): Promise<Backlog> {
  const env = await createBenchEnv(ctx.stack, 'p8-backlog', { parked: 'standard', live: 'unlimited' });
  try {
    const parkedProject = env.projects.parked as string;
    await env.startBridge();
    env.sandbox.admin.revokeWebhook(env.config.projects.find((p) => p.id === parkedProject)!.bitrix24.webhookUrl);
    ctx.progress(`P8 backlog: parking ${count} calls`);
    await publishBulk(parkedProject, count, env.publish);
    const parkedCount = async () => (await env.temporal.workflow.count(parkedCallsQuery(parkedProject))).count;
    const deadline = Date.now() + count * 500 + 300_000;
    while ((await parkedCount()) < count) {
      if (Date.now() > deadline) throw new Error(`only ${await parkedCount()} of ${count} calls parked`);
      await new Promise((r) => setTimeout(r, 2_000));
    }
    const clock = watchTaskWrites(env.sandbox, parkedProject);
    ctx.progress(`P8 backlog: ${count} parked; reactivating while another project's calls go on`);
    const live = await startLiveLoad(env, true);
    const started = Date.now();
    await reactivateProject(env, parkedProject, env.sandbox.admin.createWebhook(parkedProject, 1));
    await clock.waitFor(count, count * 1_000 + 300_000);
    const drainSeconds = (Date.now() - started) / 1000;
    clock.detach();
    const figures = await live.finish();
    ctx.progress(`P8 backlog: drained in ${fixed(drainSeconds, 0)} s; live p99 ${fixed(figures.lead.p99, 0)} ms`);
    return { ...figures, parked: count, drainSeconds };
  } finally {
    await env.stop();
  }
}
