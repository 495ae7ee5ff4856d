/**
 * B7 end to end, through Kafka, Temporal and the Bitrix24 sandbox: the same simulated calls go
 * to two projects; one gets every webhook, the other loses a third of them (they exist only in
 * the Ringostat stand-in's call log). The reconcile schedule finds exactly the lost calls, and
 * the lossy portal ends as the complete one; a second run changes nothing; a call seen both ways
 * is written once; Ringostat down for a while holds up no CRM work.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { createKafka } from '../../platform/kafka';
import { createLogger } from '../../platform/logger';
import { simulateCalls, type SimulatedCall } from '../../cli/call-simulator';
import { createRingostatClient } from '../../ringostat/api-client';
import { callEventPublisher } from '../../ringostat/event-publisher';
import { ensureReconcileSchedules } from '../../ringostat/reconcile-schedules';
import { reconcileCalls } from '../../ringostat/reconcile-calls';
import { reconcileStatus } from '../../ringostat/ringostat-status';
import { startRingostatStandIn, type RingostatStandIn } from '../../tools/sandbox/ringostat';
import { callLogRow } from '../../ringostat/call-log-row';
import type { ReconcileResult } from '../../schemas/reconcile';
import { reconcileScheduleId } from '../../workflows/contract';
import { startHarness, employees, type Harness } from '../../tools/testkit/bridge-harness';
import { CALL_TIMEOUT_MS, tasksOfCall } from '../../tools/testkit/crm-assert';
import { crmShape, standInProject, startReconcileWorker, type ReconcileWorker, type StandInProjectBlock } from '../../tools/testkit/ringostat-harness';
import { decodedHistoryText } from '../../tools/testkit/bridge-process';
import { stackEnv } from '../../tools/testkit/stack-env';
import { waitFor } from '../../tools/testkit/wait-for';

describe('reconciliation from Ringostat\'s call log (B7)', () => {
  let standIn: RingostatStandIn;
  let h: Harness;
  let worker: ReconcileWorker;
  let fullId: string;
  let lossyId: string;
  let lossyBlock: StandInProjectBlock;
  const logger = createLogger({ level: 'error' });
  const kafka = createKafka({ brokers: stackEnv().kafkaBrokers, clientId: 'reconcile-test', logger });
  const startAt = new Date(Date.now() - 20 * 60_000);
  /**
   * One client per call: calls of one client depend on their order (the first creates the lead),
   * and a recovered call necessarily comes later than it happened; the comparison is per call.
   */
  const simulate = (projectId: string): SimulatedCall[] =>
    simulateCalls({ projectId, calls: 15, seed: 4242, employees, startAt, meanGapSeconds: 20, loseWebhooks: 0.35 })
      .map((call, i) => {
        const clientNumber = `+38050770${String(i).padStart(4, '0')}`;
        return { ...call, clientNumber, events: call.events.map((event) => ({ ...event, clientNumber })) };
      });

  before(async () => {
    standIn = await startRingostatStandIn();
    lossyBlock = standInProject(standIn, '1d');
    h = await startHarness({ projects: [{ id: 'full' }, { id: 'lossy', ringostat: lossyBlock }] });
    [fullId, lossyId] = h.projectIds as [string, string];
    worker = await startReconcileWorker({
      temporalAddress: h.temporalAddress, temporal: h.bridge.temporal, kafka, config: h.config, topic: h.topic, logger,
      taskQueue: `reconcile-${randomUUID().slice(0, 8)}`,
    });
    await ensureReconcileSchedules(h.bridge.temporal, h.config, { taskQueue: worker.taskQueue });
  });
  after(async () => {
    await h?.bridge.temporal.schedule.getHandle(reconcileScheduleId(lossyId)).delete().catch(() => undefined);
    await worker?.stop();
    await h?.stop();
    await standIn?.stop();
  });

  /** Triggers the schedule and returns the run's result. */
  async function scheduledRun(): Promise<ReconcileResult> {
    const schedule = h.bridge.temporal.schedule.getHandle(reconcileScheduleId(lossyId));
    const before = (await schedule.describe()).info.numActionsTaken;
    await schedule.trigger();
    const action = await waitFor('the triggered reconcile run', async () => {
      const info = (await schedule.describe()).info;
      return info.numActionsTaken > before && info.recentActions.at(-1)?.action;
    });
    return h.bridge.temporal.workflow.getHandle(action.workflow.workflowId, action.workflow.firstExecutionRunId).result() as Promise<ReconcileResult>;
  }

  async function completeAll(projectId: string, calls: SimulatedCall[]): Promise<void> {
    for (const call of calls) assert.equal((await h.callResult(projectId, call.callId, CALL_TIMEOUT_MS)).phase, 'completed', call.callId);
  }

  it('B7: finds exactly the calls whose webhooks were lost; the CRM ends as if none had been lost; a second run changes nothing', async () => {
    const full = simulate(fullId);
    const lossy = simulate(lossyId);
    const lost = lossy.filter((call) => call.webhookLost);
    assert.ok(lost.length >= 3 && lost.length < lossy.length, `seed gives ${lost.length} lost of ${lossy.length}`);

    standIn.admin.registerCalls(lossyBlock.projectId, lossy.map((call) => callLogRow(call.events, 'Europe/Kyiv')));
    await h.publish(full.flatMap((call) => call.events));
    await h.publish(lossy.filter((call) => !call.webhookLost).flatMap((call) => call.events));
    await completeAll(fullId, full);
    await completeAll(lossyId, lossy.filter((call) => !call.webhookLost));
    assert.notDeepEqual(crmShape(h.sandbox.admin.state(lossyId)), crmShape(h.sandbox.admin.state(fullId)), 'the lost calls are missing');

    const first = await scheduledRun();
    assert.equal(first.listed, lossy.length);
    assert.equal(first.recovered, lost.length);
    assert.deepEqual([...first.publishedCallIds].sort(), lost.map((call) => call.callId).sort(), 'exactly the lost calls');
    assert.equal(first.unfinished, 0);
    assert.equal(first.alreadyDone, lossy.length - lost.length);
    assert.equal(first.failed, 0);

    await completeAll(lossyId, lost);
    const recovered = crmShape(h.sandbox.admin.state(lossyId));
    assert.deepEqual(recovered, crmShape(h.sandbox.admin.state(fullId)), 'the lossy portal ends as the complete one');

    const second = await scheduledRun();
    assert.deepEqual([second.recovered, second.unfinished, second.alreadyDone], [0, 0, lossy.length]);
    await sleep(2_000);
    assert.deepEqual(crmShape(h.sandbox.admin.state(lossyId)), recovered, 'the second run changed nothing');
    const description = await h.bridge.temporal.schedule.getHandle(reconcileScheduleId(lossyId)).describe();
    assert.ok(description.info.recentActions.length >= 2, 'the runs show on the schedule');
    for (const workflowId of [`call:${lossyId}:${lost[0]?.callId}`, description.info.recentActions.at(-1)?.action.workflow.workflowId ?? '']) {
      const history = await decodedHistoryText(h.bridge.temporal, workflowId);
      assert.ok(history.includes(lossyId) && !history.includes(lossyBlock.apiKey), `R4: the Ringostat apiKey is not in ${workflowId}'s history`);
    }
    const status = await reconcileStatus(h.bridge.temporal, lossyId);
    assert.equal(status?.lastRun?.status, 'COMPLETED');
    assert.equal(status?.lastRun?.result?.alreadyDone, lossy.length, 'status shows the last run');
    assert.ok((status?.lagSeconds ?? 0) >= 60, 'and its lag');
  });

  it('R1: a call seen both ways (webhook and call log) is written once', async () => {
    // Both at once: its webhook events and the reconciler's event race to the call workflow.
    const [call] = simulateCalls({ projectId: lossyId, calls: 1, seed: 99, employees, startAt: new Date(Date.now() - 5 * 60_000) });
    assert.ok(call);
    const [twin] = simulateCalls({ projectId: fullId, calls: 1, seed: 99, employees, startAt: new Date(Date.now() - 5 * 60_000) });
    assert.ok(twin);
    standIn.admin.registerCalls(lossyBlock.projectId, [callLogRow(call.events, 'Europe/Kyiv')]);
    const producer = kafka.producer();
    await producer.connect();
    try {
      const project = h.config.projects.find((p) => p.id === lossyId);
      assert.ok(project?.ringostat);
      const client = createRingostatClient({ settings: project.ringostat, timeZone: project.timeZone });
      await h.publish([...call.events, ...twin.events]);
      const summary = await reconcileCalls(
        { client, temporal: h.bridge.temporal, project, publish: callEventPublisher(producer, h.topic), logger },
        { from: new Date(Date.now() - 10 * 60_000), to: new Date() },
      );
      assert.equal(summary.listed >= 1, true);
      await h.callResult(lossyId, call.callId, CALL_TIMEOUT_MS);
      await h.callResult(fullId, twin.callId, CALL_TIMEOUT_MS);
      // The webhook of an already reconciled call arrives late, too.
      const late = simulate(lossyId).filter((c) => c.webhookLost)[0];
      assert.ok(late);
      await h.publish(late.events);
      await sleep(3_000);
    } finally {
      await producer.disconnect();
    }
    const tasks = (projectId: string, callId: string) => tasksOfCall({ allTasks: h.sandbox.admin.state(projectId).tasks }, callId).length;
    assert.equal(tasks(lossyId, call.callId), tasks(fullId, twin.callId), 'the call\'s tasks, once');
    assert.deepEqual(crmShape(h.sandbox.admin.state(lossyId)), crmShape(h.sandbox.admin.state(fullId)));
  });

  it('B7: Ringostat down for a while → calls go on; the run retries and then reports', async () => {
    standIn.admin.goDown(12_000);
    const run = scheduledRun();
    const [call] = simulateCalls({ projectId: lossyId, calls: 1, seed: 7, employees, startAt: new Date(Date.now() - 5 * 60_000) });
    assert.ok(call);
    await h.publish(call.events);
    const result = await h.callResult(lossyId, call.callId, CALL_TIMEOUT_MS);
    assert.equal(result.phase, 'completed', 'CRM work went on during the outage');
    assert.ok(standIn.admin.requests().some((r) => r.error === 'down'), 'the run met the outage');
    const done = await run;
    assert.equal(done.failed, 0);
    assert.equal(done.recovered, 0);
  });
});
