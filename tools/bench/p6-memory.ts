import { setTimeout as sleep } from 'node:timers/promises';
import { parkedCallsQuery } from '../../integration/integration-client';
import { createBenchEnv } from './bench-env';
import { forkChildBridge, type ChildBridge } from './child-bridge';
import type { BenchContext } from './context';
import { openingOnly, publishBulk } from './load';
import { verdict, type BenchResult } from './report';
import { fixed } from './stats';

const LIMIT_MB = 400;
/** docs/requirements.md P6 is measured at 10,000 parked calls; fewer (--quick) give a figure, not a verdict. */
const SPEC_COUNT = 10_000;
const MB = 1024 * 1024;
const SETTLE_MS = 5_000;

interface Memory {
  bare: number;
  idle: number;
  waiting: number;
  peak: number;
  heap: number;
  seconds: number;
}

/**
 * P6: RSS of the bridge process (worker + dispatcher, in a child process of its own) at idle,
 * and with N calls parked: the portal revokes the webhook first, so every call parks (T1)
 * and waits durably. Parked = what Temporal's visibility counts as CallPhase='parked' and
 * running. Beside it the minimal floor in a process of its own with N calls waiting for their
 * call.ended (ringing + answered sent): the least a worker holding N open calls costs.
 */
export async function benchP6(ctx: BenchContext): Promise<BenchResult> {
  const count = ctx.size(SPEC_COUNT, 1_000);
  const env = await createBenchEnv(ctx.stack, 'p6', { main: 'unlimited' });
  const projectId = env.projects.main as string;
  let bridge: Memory;
  let floor: Memory;
  let requestsAfterRevoke = 0;
  let restarted: { rss: number; heap: number; stillParked: number } | undefined;
  try {
    bridge = await inChild(async (child) => {
      await child.start({
        config: env.config, temporalAddress: ctx.stack.temporalAddress, kafkaBrokers: ctx.stack.kafkaBrokers,
        topic: env.topic, dlqTopic: env.dlqTopic, secretKey: env.secretKey, groupId: env.groupId,
      });
      env.sandbox.admin.revokeWebhook(env.config.projects[0]!.bitrix24.webhookUrl);
      ctx.progress(`P6 bridge: ${count} calls onto Kafka with the webhook revoked (pid ${child.pid})`);
      return {
        publish: () => publishBulk(projectId, count, env.publish, 500),
        waiting: async () => (await env.temporal.workflow.count(parkedCallsQuery(projectId))).count,
      };
    }, ctx, count, 'parked');
    requestsAfterRevoke = env.sandbox.admin.requestLog(projectId).length;

    // The same bridge started afresh while the calls stay parked: what parked calls cost a worker
    // that did not take them in. They live in Temporal; the growth above is the intake's high-water
    // mark (allocators keep what a burst took), not memory per parked call.
    restarted = await freshWorker(env, ctx, count);

    // After the bridge: the floor's consumer group starts at the topic's end, past the bridge's calls.
    floor = await inChild(async (child) => {
      const floorProject = await child.startFloor({ temporalAddress: ctx.stack.temporalAddress, kafkaBrokers: ctx.stack.kafkaBrokers, topic: env.topic });
      ctx.progress(`P6 minimal floor: ${count} open calls onto Kafka (pid ${child.pid})`);
      return {
        publish: () => publishBulk(floorProject, count, env.publish, 500, openingOnly),
        waiting: async () => (await env.temporal.workflow.count(`ProjectId='${floorProject}' AND ExecutionStatus='Running'`)).count,
      };
    }, ctx, count, 'open');
  } finally {
    await env.stop();
  }
  const measured = count >= SPEC_COUNT;
  const pass = bridge.waiting <= LIMIT_MB * MB;
  return {
    target: 'p6',
    title: 'worker memory with parked calls',
    goal: `RSS ≤ ${LIMIT_MB} MB with ${SPEC_COUNT.toLocaleString('en')} parked calls`,
    figures: [
      ['parked', `${mb(bridge.waiting)} RSS with ${count} calls parked (heap used ${mb(bridge.heap)}; peak while they arrived ${mb(bridge.peak)})`],
      ['floor', `${mb(floor.waiting)} RSS, minimal floor with ${count} calls open (idle ${mb(floor.idle)}, peak ${mb(floor.peak)})`],
      ['idle', `${mb(bridge.idle)} RSS, the bridge started and polling, before any call`],
      ['  bare', `${mb(bridge.bare)} RSS before the bridge started (modules loaded; start-up adds the workflow bundle, Temporal's runtime, Kafka)`],
      ['restarted', restarted ? `${mb(restarted.rss)} RSS, a fresh bridge process with ${restarted.stillParked} calls still parked (heap used ${mb(restarted.heap)}): ${fixed((restarted.rss - bridge.idle) / Math.max(1, restarted.stillParked) / 1024, 2)} KB per parked call over idle` : 'not measured'],
      ['growth', `bridge ${mb(bridge.waiting - bridge.idle)} for ${count} parked calls (${fixed((bridge.waiting - bridge.idle) / count / 1024, 1)} KB each); floor ${mb(floor.waiting - floor.idle)}`],
    ],
    verdict: measured ? verdict(pass) : 'NOT MEASURED',
    because: measured
      ? `${mb(bridge.waiting)} ${pass ? '≤' : '>'} ${LIMIT_MB} MB at ${count} parked (the floor: ${mb(floor.waiting)})`
      : `${count} parked, not ${SPEC_COUNT}: ${mb(bridge.waiting)} here says little about ${SPEC_COUNT} (run without --quick)`,
    notes: [
      `processes: the bridge (Temporal worker + Kafka dispatcher) forked alone, then the floor forked alone; ${count} calls parked ${fixed(bridge.seconds, 0)} s after publishing started`,
      `Bitrix24 saw ${requestsAfterRevoke} request(s) after the revoke (the first refusal marks the project broken; the rest park without calling)`,
      'heap used is the main thread\'s; the Temporal SDK runs workflows in a worker thread whose heap (the workflow cache, up to maxCachedWorkflows) shows only in RSS',
    ],
  };
}

/** A new bridge process on the same deployment, with the calls of the first still parked in Temporal. */
async function freshWorker(env: Awaited<ReturnType<typeof createBenchEnv>>, ctx: BenchContext, count: number): Promise<{ rss: number; heap: number; stillParked: number }> {
  const child = forkChildBridge();
  try {
    await child.start({
      config: env.config, temporalAddress: ctx.stack.temporalAddress, kafkaBrokers: ctx.stack.kafkaBrokers,
      topic: env.topic, dlqTopic: env.dlqTopic, secretKey: env.secretKey, groupId: env.groupId,
    });
    ctx.progress(`P6: a fresh bridge (pid ${child.pid}) with ${count} calls parked; settling`);
    await sleep(SETTLE_MS * 4);
    const sample = await child.memory();
    const stillParked = (await env.temporal.workflow.count(parkedCallsQuery(env.projects.main as string))).count;
    return { rss: sample.rss, heap: sample.heapUsed, stillParked };
  } finally {
    await child.stop().catch(() => undefined);
  }
}

const mb = (bytes: number): string => `${fixed(bytes / MB, 0)} MB`;

/**
 * Forks a child, notes its bare RSS, lets `start` start the bridge or the floor in it, then its
 * idle RSS; publishes the calls and samples RSS until `waiting()` reaches `count`; settles and
 * notes the final RSS. Always stops the child.
 */
async function inChild(
  start: (child: ChildBridge) => Promise<{ publish(): Promise<unknown>; waiting(): Promise<number> }>,
  ctx: BenchContext, count: number, what: string,
): Promise<Memory> {
  const child = forkChildBridge();
  try {
    // Node, tsx and the modules loaded, nothing started: what the process costs anyway.
    const bare = (await child.memory()).rss;
    const run = await start(child);
    // Idle: the worker has bundled its workflows, connected, and polls; nothing to do yet.
    await sleep(SETTLE_MS);
    const idle = (await child.memory()).rss;
    const started = Date.now();
    await run.publish();
    const deadline = started + count * 300 + 300_000;
    let peak = 0;
    for (;;) {
      const waiting = await run.waiting();
      const sample = await child.memory();
      peak = Math.max(peak, sample.rss);
      if (waiting >= count) break;
      if (Date.now() > deadline) throw new Error(`only ${waiting} of ${count} calls ${what} in ${fixed((Date.now() - started) / 1000, 0)} s`);
      ctx.progress(`P6: ${waiting}/${count} ${what}, RSS ${mb(sample.rss)}`);
      await sleep(5_000);
    }
    const seconds = (Date.now() - started) / 1000;
    await sleep(SETTLE_MS);
    const settled = await child.memory();
    return { bare, idle, waiting: settled.rss, peak: Math.max(peak, settled.rss), heap: settled.heapUsed, seconds };
  } finally {
    await child.stop().catch(() => undefined);
  }
}

