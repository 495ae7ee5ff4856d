import { setTimeout as sleep } from 'node:timers/promises';
import { parkedCallsQuery } from '../lib/parked-calls';
import { createBenchEnv } from './bench-env';
import { forkChildBridge } from './child-bridge';
import type { BenchContext } from './context';
import { publishBulk } from './load';
import { verdict, type BenchResult } from './report';
import { fixed } from './stats';

const LIMIT_MB = 400;
const MB = 1024 * 1024;
const SETTLE_MS = 5_000;

/**
 * P6: RSS of the bridge process (worker + dispatcher, in a child process of its own) at idle,
 * and with N calls parked: the portal revokes the webhook first, so every call parks (T1)
 * and waits durably. Parked = what Temporal's visibility counts as CallPhase='parked' and
 * running. RSS is sampled every poll while they arrive (peak) and after they all parked.
 */
export async function benchP6(ctx: BenchContext): Promise<BenchResult> {
  const count = ctx.size(10_000, 1_000);
  const env = await createBenchEnv(ctx.stack, 'p6', { main: 'unlimited' });
  const child = forkChildBridge();
  let bare = 0;
  let idle = 0;
  let parkedRss = 0;
  let peak = 0;
  let heap = 0;
  let parked = 0;
  let requestsAfterRevoke = 0;
  let parkSeconds = 0;
  try {
    const projectId = env.projects.main as string;
    // Node, tsx and the bridge's modules loaded, nothing started: what the process costs anyway.
    bare = (await child.memory()).rss;
    await child.start({
      config: env.config, temporalAddress: ctx.stack.temporalAddress, kafkaBrokers: ctx.stack.kafkaBrokers,
      topic: env.topic, dlqTopic: env.dlqTopic, credentialsDir: env.credentialsDir, groupId: env.groupId,
    });
    // Idle: the worker has bundled its workflows, connected, and polls; nothing to do yet.
    await sleep(SETTLE_MS);
    idle = (await child.memory()).rss;

    env.sandbox.admin.revokeWebhook(env.config.projects[0]!.bitrix24.webhookUrl);
    ctx.progress(`P6: ${count} calls onto Kafka with the webhook revoked (bridge pid ${child.pid})`);
    const started = Date.now();
    await publishBulk(projectId, count, env.publish, 500);
    const deadline = started + count * 300 + 300_000;
    for (;;) {
      parked = (await env.temporal.workflow.count(parkedCallsQuery(projectId))).count;
      const sample = await child.memory();
      peak = Math.max(peak, sample.rss);
      if (parked >= count) break;
      if (Date.now() > deadline) throw new Error(`only ${parked} of ${count} calls parked in ${fixed((Date.now() - started) / 1000, 0)} s`);
      ctx.progress(`P6: ${parked}/${count} parked, RSS ${fixed(sample.rss / MB, 0)} MB`);
      await sleep(5_000);
    }
    parkSeconds = (Date.now() - started) / 1000;
    await sleep(SETTLE_MS);
    const settled = await child.memory();
    parkedRss = settled.rss;
    heap = settled.heapUsed;
    peak = Math.max(peak, parkedRss);
    requestsAfterRevoke = env.sandbox.admin.requestLog(projectId).length;
  } finally {
    await child.stop().catch(() => undefined);
    await env.stop();
  }
  const pass = parkedRss <= LIMIT_MB * MB;
  return {
    target: 'p6',
    title: 'worker memory with parked calls',
    goal: `RSS ≤ ${LIMIT_MB} MB with 10,000 parked calls`,
    figures: [
      ['parked', `${fixed(parkedRss / MB, 0)} MB RSS with ${parked} calls parked (heap used ${fixed(heap / MB, 0)} MB; peak while they arrived ${fixed(peak / MB, 0)} MB)`],
      ['idle', `${fixed(idle / MB, 0)} MB RSS, same process started and polling, before any call (baseline)`],
      ['  bare', `${fixed(bare / MB, 0)} MB RSS before the bridge started (modules loaded; start-up adds the workflow bundle, Temporal's runtime, Kafka)`],
      ['growth', `${fixed((parkedRss - idle) / MB, 0)} MB for ${count} parked calls (${fixed((parkedRss - idle) / count / 1024, 1)} KB each)`],
    ],
    verdict: verdict(pass),
    because: `${fixed(parkedRss / MB, 0)} MB ${pass ? '≤' : '>'} ${LIMIT_MB} MB`,
    notes: [
      `process: the bridge (Temporal worker + Kafka dispatcher) forked alone; ${count} calls parked ${fixed(parkSeconds, 0)} s after publishing started`,
      `Bitrix24 saw ${requestsAfterRevoke} request(s) after the revoke (the first refusal marks the project broken; the rest park without calling)`,
      'heap used is the main thread\'s; the Temporal SDK runs workflows in a worker thread whose heap (the workflow cache, up to maxCachedWorkflows) shows only in RSS',
    ],
  };
}
