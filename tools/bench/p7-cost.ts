import { setTimeout as sleep } from 'node:timers/promises';
import { parkedCallsQuery } from '../../integration/integration-client';
import type { CallEvent } from '../../schemas/call-event';
import { callWorkflowId } from '../../workflows/contract';
import { createBenchEnv, type BenchEnv } from './bench-env';
import { costOfWorkflows } from './call-cost';
import { causedSince, openWindow } from './caused-workflows';
import type { BenchContext } from './context';
import { formatCostTable, type HistoryCost } from './history-cost';
import { wholeCall, newCall } from './load';
import { costCalls, type CostCall } from './p7-calls';
import { reactivateProject } from './reactivate-project';
import type { BenchResult } from './report';
import { fixed } from './stats';

/** call.ended this long after ringing (+ answered): the lead is made during the call, as live. */
const TALK_MS = 1_000;
/** After the call's workflow closed: lets the workflows it touched finish their last task. */
const SETTLE_MS = 1_500;
const CALL_TIMEOUT_MS = 120_000;

interface Measured {
  column: string;
  cost: HistoryCost;
  /** The workflows it caused, by kind (the id up to its first colon): "call ×1, client ×1". */
  workflows: string;
  stillRunning: number;
}

/**
 * P7: what one call costs on Temporal, from the recorded histories of everything it caused —
 * the common calls (tools/bench/p7-calls.ts) one at a time through the real path (Kafka →
 * dispatcher → Temporal → activities → the Bitrix24 sandbox), beside one minimal-floor call.
 * Counting and the Temporal Cloud billing rules: tools/bench/history-cost.ts. Which workflows a
 * call caused is found, not assumed (tools/bench/caused-workflows.ts), so a change of design is
 * measured as it is.
 */
export async function benchP7(ctx: BenchContext): Promise<BenchResult> {
  const env = await createBenchEnv(ctx.stack, 'p7', Object.fromEntries([['warmup', 'unlimited'], ...costCalls.map((c) => [c.column, 'unlimited'])]));
  const scopeStart = new Date(Date.now() - 1_000);
  const measured: Measured[] = [];
  let floorCost: HistoryCost;
  try {
    ctx.progress('P7 minimal floor: one call');
    const floor = await env.startFloor();
    const floorCall = newCall(floor.projectId);
    await publishLive(env, wholeCall(floorCall));
    await floor.waitFor(1, 60_000);
    await floor.stop();
    floorCost = await costOfWorkflows(env.temporal, [floor.workflowId(floorCall.callId)]);

    await env.startBridge();
    // Not counted: the first call pays for connections and JIT, which would change its task count.
    await runCall(env, costCalls[0]!, env.projects.warmup as string);
    for (const call of costCalls) {
      ctx.progress(`P7 ${call.description}`);
      measured.push(await measure(env, call, scopeStart));
    }
  } finally {
    await env.stop();
  }

  const common = measured.filter((m) => m.column !== 'parked');
  const heaviest = common.reduce((a, b) => (b.cost.actions > a.cost.actions ? b : a));
  const stillRunning = measured.reduce((sum, m) => sum + m.stillRunning, 0);
  return {
    target: 'p7',
    title: 'cost per call on Temporal (from recorded histories)',
    goal: 'history events, workflows, signals, activities, timers, upserts per call and the Temporal Cloud billable actions they add up to, beside the minimal floor\'s; every action above the floor\'s must be worth what it buys',
    figures: formatCostTable([...measured.map(({ column, cost }) => ({ label: column, cost })), { label: 'floor', cost: floorCost }]),
    verdict: 'REPORTED',
    because: `common calls cost ${common.map((m) => m.cost.actions).join(' / ')} actions (${common.map((m) => m.column).join(' / ')}); `
      + `the heaviest, ${heaviest.column}, ${fixed(heaviest.cost.actions / floorCost.actions, 1)}× the floor's ${floorCost.actions}`,
    notes: [
      ...costCalls.map((call) => call.description),
      ...measured.map((m) => `${m.column} caused: ${m.workflows}`),
      'floor: one workflow started by signal-with-start, its three events as signals, one no-op activity at call.ended',
      'billable actions per Temporal Cloud\'s list (docs.temporal.io/cloud/actions); not in histories, so not counted: queries (e.g. a process reading a project\'s integration state), activity heartbeats, rejected updates',
      ...(stillRunning > 0 ? [`${stillRunning} caused workflow(s) still running when counted (a project's integration workflow, a lock waiting for its idle close): only their events so far are counted; a lock's idle close adds a few that bill nothing`] : []),
    ],
  };
}

/** Opening events now, call.ended after the talk: two moments, as a live call reaches Kafka. */
async function publishLive(env: BenchEnv, events: readonly CallEvent[]): Promise<void> {
  await env.publish(events.slice(0, -1));
  await sleep(TALK_MS);
  await env.publish(events.slice(-1));
}

/** Publishes the call and waits until its workflow closed (reactivating the project when it parks). */
async function runCall(env: BenchEnv, call: CostCall, projectId: string): Promise<string> {
  const events = call.prepare(env.sandbox, projectId);
  const callId = events[0]!.callId;
  const project = env.config.projects.find((p) => p.id === projectId)!;
  if (call.parks) env.sandbox.admin.revokeWebhook(project.bitrix24.webhookUrl);
  await publishLive(env, events);
  if (call.parks) {
    await until(async () => (await env.temporal.workflow.count(parkedCallsQuery(projectId))).count > 0, `${callId} to park`);
    await reactivateProject(env, projectId, env.sandbox.admin.createWebhook(projectId, 1));
  }
  await Promise.race([
    env.temporal.workflow.getHandle(callWorkflowId(projectId, callId)).result(),
    sleep(CALL_TIMEOUT_MS).then(() => { throw new Error(`call ${callId} did not finish in ${CALL_TIMEOUT_MS} ms`); }),
  ]);
  return callId;
}

async function measure(env: BenchEnv, call: CostCall, scopeStart: Date): Promise<Measured> {
  const projectId = env.projects[call.column] as string;
  const window = await openWindow(env.temporal, scopeStart);
  await runCall(env, call, projectId);
  await sleep(SETTLE_MS);
  const others = Object.values(env.projects).filter((id) => id !== projectId);
  const caused = await causedSince(env.temporal, window, (workflowId) => others.some((id) => workflowId.includes(id)));
  const kinds = new Map<string, number>();
  let stillRunning = 0;
  for (const id of caused.ids) {
    const kind = id.split(':')[0] as string;
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    if ((await env.temporal.workflow.getHandle(id).describe()).status.name === 'RUNNING') stillRunning += 1;
  }
  return {
    column: call.column,
    cost: await costOfWorkflows(env.temporal, caused.ids, caused.since),
    workflows: [...kinds].map(([kind, n]) => `${kind} ×${n}`).join(', ') + (caused.since.size > 0 ? ` (${caused.since.size} already running: only the events this call added)` : ''),
    stillRunning,
  };
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}
