/**
 * Issue 12 "Done when", first item (R1, R7, T1–T5): separate processes that share nothing but
 * Kafka, Temporal and the config file — two worker processes, two dispatcher processes (one
 * consumer group), each with its own DATA_DIR, and the operator CLI as yet another process with
 * its own — run one project through: calls flow and are spread over both workers; the webhook is
 * revoked and calls park without a retry storm; one worker is SIGKILLed while calls are parked;
 * the Temporal dev server and the Kafka broker are restarted; a refused webhook changes nothing;
 * the good webhook is accepted through an Update the CLI sends; the CLI is SIGKILLed during the
 * resend, the other worker SIGKILLed while it writes; the resend still finishes inside the
 * bridge; every call of the 3-day window ends written exactly once (an expectation computed from
 * the inputs alone), a call older than the window is not, and the calls in flight on the killed
 * worker finish soon after a new worker is up.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Client } from '@temporalio/client';
import type { Producer } from 'kafkajs';
import { startSandbox, type Sandbox } from '../../tools/sandbox';
import type { CallEvent } from '../../schemas/call-event';
import type { IntegrationState } from '../../schemas/workflow-io';
import { callWorkflowId } from '../../workflows/contract';
import { callEvents } from '../../tools/testkit/call-events';
import {
  callsInFlightOn, connectTemporal, createTestPortal, historyIdentities, identityOfPid, integrationState,
  newClientAnsweredMismatch, newSecretKey, parkedCount, projectConfig, publishEvents, quietKafka, runCli, spawnCli,
  startBridgeProcess, startOwnStack, tearDownTest, tail, tempDir, waitForCalls, waitForWorkerPolling, waitUntil,
  webhookSecret, writeConfig, writtenForCall, type BridgeProcessOptions, type OwnStack, type ProcessHandle,
} from '../../tools/testkit/bridge-process';

const OLENA = 7; // employee 101 (tools/testkit/bridge-harness.ts)
const FLOW_CALLS = 14;
const PARKED_CALLS = 10;
const LOST_IN_WINDOW = 3;

interface Call {
  callId: string;
  clientNumber: string;
  events: CallEvent[];
}

function newCalls(projectId: string, count: number, prefix: string, at?: Date): Call[] {
  return Array.from({ length: count }, (_, i) => {
    const clientNumber = `+38050${prefix}${String(i).padStart(4, '0')}`;
    const events = callEvents({ projectId, clientNumber, employee: { staffId: '101' }, ...(at ? { at } : {}) });
    return { callId: (events[0] as CallEvent).callId, clientNumber, events };
  });
}

describe('multi-host: workers, dispatchers and the CLI as separate processes (issue 12; R1, R7, T1–T5)', () => {
  const suffix = randomUUID().slice(0, 8);
  const projectId = `mh-${suffix}`;
  const topic = `mh-events-${suffix}`;
  const groupId = `mh-dispatcher-${suffix}`;
  const secretKey = newSecretKey();
  let root: string;
  let logDir: string;
  let configPath: string;
  let stack: OwnStack;
  let sandbox: Sandbox;
  let client: Client;
  let closeTemporal: (() => Promise<void>) | undefined;
  let producer: Producer | undefined;
  let webhookA: string;

  const processOptions = (name: string, components: BridgeProcessOptions['components']): BridgeProcessOptions => ({
    name, configPath, temporalAddress: stack.temporalAddress, kafkaBrokers: stack.kafkaBrokers, topic, secretKey,
    components, groupId, logDir, logLevel: 'info',
  });
  const cliOptions = (name: string, args: string[], stdin?: string) => ({
    name, configPath, args, stdin, temporalAddress: stack.temporalAddress, kafkaBrokers: stack.kafkaBrokers, topic, secretKey, logDir,
  });

  before(async () => {
    root = await tempDir('multi-host');
    logDir = path.join(root, 'logs');
    stack = await startOwnStack(root, [{ topic, numPartitions: 6 }, { topic: `${topic}.dlq`, numPartitions: 1 }]);
    sandbox = await startSandbox({ port: 0, rateLimit: { enabled: false, perSecond: 2, burst: 50 } });
    webhookA = createTestPortal(sandbox, projectId);
    configPath = path.join(root, 'config.json');
    await writeConfig(configPath, [projectConfig(projectId, webhookA)]);
    ({ client, close: closeTemporal } = await connectTemporal(stack.temporalAddress));
    producer = quietKafka(stack.kafkaBrokers).producer();
    await producer.connect();
  });

  after(async () => {
    await tearDownTest({ name: 'multi-host', producer, closeTemporal, sandbox, stack, root });
  });

  it('calls are written exactly once through worker kills, Temporal and Kafka restarts, a refused and an accepted webhook, and a killed CLI', { timeout: 25 * 60_000 }, async () => {
    const startedAt = Date.now();
    const figures = { workerKills: 0, cliKills: 0, infraRestarts: 0, unplannedRestarts: 0 };
    const unplannedExits: string[] = [];
    const noteExit = async (p: ProcessHandle) => {
      const { code, signal } = await p.exit;
      unplannedExits.push(`${p.name} exited (${signal ?? `code ${code}`}) around the Temporal/Kafka restart`);
    };

    // --- Two workers, two dispatchers: separate processes, own DATA_DIR each.
    const w1 = await startBridgeProcess(processOptions('worker-1', ['worker']));
    let w2 = await startBridgeProcess(processOptions('worker-2', ['worker']));
    const dispatchers = [
      await startBridgeProcess(processOptions('dispatcher-1', ['dispatcher'])),
      await startBridgeProcess(processOptions('dispatcher-2', ['dispatcher'])),
    ];
    assert.notEqual(w1.dataDir, w2.dataDir);
    await Promise.all([waitForWorkerPolling(client, w1), waitForWorkerPolling(client, w2)]);

    // --- Calls flow, spread over both workers.
    const flow = newCalls(projectId, FLOW_CALLS, '71');
    await publishEvents(producer as Producer, topic, flow.flatMap((c) => c.events));
    await waitForCalls(client, projectId, flow.map((c) => c.callId), 240_000);
    const identities: string[] = [];
    for (const call of flow) {
      const seen = await historyIdentities(client, callWorkflowId(projectId, call.callId));
      identities.push(...seen.activity, ...seen.workflowTask);
    }
    for (const worker of [w1, w2]) {
      assert.ok(identities.some((identity) => identityOfPid(identity, worker.pid)),
        `${worker.name} (pid ${worker.pid}) ran work of the flowing calls; identities seen: ${[...new Set(identities)].join(', ')}`);
    }
    // Kafka redelivers: the same events again change nothing (R1).
    await publishEvents(producer as Producer, topic, flow.flatMap((c) => c.events));

    // --- The portal revokes the webhook: later calls park, no retry storm (T1).
    sandbox.admin.revokeWebhook(webhookA);
    const requestsAtRevoke = sandbox.admin.requestLog(projectId).length;
    const parked = newCalls(projectId, PARKED_CALLS, '72');
    await publishEvents(producer as Producer, topic, parked.flatMap((c) => c.events));
    // A call older than the window (published 4 days ago by Kafka's clock too), whose workflow is then lost.
    const fourDaysAgo = new Date(Date.now() - 4 * 24 * 3600 * 1000);
    const [old] = newCalls(projectId, 1, '73', fourDaysAgo) as [Call];
    await publishEvents(producer as Producer, topic, old.events, fourDaysAgo);
    await waitUntil(`${PARKED_CALLS + 1} parked calls`, async () => ((await parkedCount(client, projectId)) === PARKED_CALLS + 1 ? true : undefined),
      180_000, () => `outputs:\n${tail(w1.output(), 10)}\n${tail(w2.output(), 10)}`);
    const requestsWhenParked = sandbox.admin.requestLog(projectId).length - requestsAtRevoke;
    await new Promise((resolve) => setTimeout(resolve, 10_000));
    const requestsAfterQuiet = sandbox.admin.requestLog(projectId).length - requestsAtRevoke;
    assert.ok(requestsWhenParked <= PARKED_CALLS + 1, `no retry storm: ${requestsWhenParked} Bitrix24 requests for ${PARKED_CALLS + 1} calls after the revoke`);
    assert.ok(requestsAfterQuiet - requestsWhenParked <= 2, `parked calls stay quiet: ${requestsAfterQuiet - requestsWhenParked} requests in 10 s`);
    const broken = await integrationState(client, projectId);
    assert.equal(broken?.status, 'broken', 'the integration workflow says broken');
    for (const call of parked) {
      const description = await client.workflow.getHandle(callWorkflowId(projectId, call.callId)).describe();
      assert.equal(description.status.name, 'RUNNING', `parked call ${call.callId} has not failed`);
    }

    // Lost workflows: the old call, and some calls of the window (the resend must bring those back).
    await client.workflow.getHandle(callWorkflowId(projectId, old.callId)).terminate('lost (test)');
    const lost = parked.slice(0, LOST_IN_WINDOW);
    for (const call of lost) await client.workflow.getHandle(callWorkflowId(projectId, call.callId)).terminate('lost (test)');
    const stillParked = PARKED_CALLS - LOST_IN_WINDOW;

    // --- SIGKILL one worker while calls are parked.
    w1.kill('SIGKILL');
    await w1.exit;
    figures.workerKills += 1;

    // --- Restart the Temporal dev server and the Kafka broker under the running processes.
    await stack.restartTemporal();
    await stack.restartKafka();
    figures.infraRestarts += 2;
    // A process that died with its connections is restarted as a supervisor would (counted, printed).
    const supervise = async (includingWorker: boolean) => {
      for (let i = 0; i < dispatchers.length; i += 1) {
        const d = dispatchers[i] as ProcessHandle;
        if (d.exited()) {
          await noteExit(d);
          figures.unplannedRestarts += 1;
          dispatchers[i] = await startBridgeProcess(processOptions(`${d.name}-r${figures.unplannedRestarts}`, ['dispatcher']));
        }
      }
      if (includingWorker && w2.exited()) {
        await noteExit(w2);
        figures.unplannedRestarts += 1;
        w2 = await startBridgeProcess(processOptions(`worker-2-r${figures.unplannedRestarts}`, ['worker']));
      }
    };
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    await supervise(true);
    await waitForWorkerPolling(client, w2);
    await waitUntil(`${stillParked} parked calls after the restarts`, async () =>
      ((await parkedCount(client, projectId).catch(() => -1)) === stillParked ? true : undefined), 120_000);

    // --- A refused webhook: the portal's reason, and nothing changes (T2, M3).
    const refusedWebhook = sandbox.admin.createWebhook(projectId, 1);
    sandbox.admin.revokeWebhook(refusedWebhook);
    const before = await integrationState(client, projectId) as IntegrationState;
    const refused = await runCli(cliOptions('cli-refused', ['reactivate', '--project', projectId, '--webhook-url', '-'], refusedWebhook));
    assert.equal(refused.code, 1, `a refused webhook exits 1; output:\n${tail(refused.output)}`);
    assert.match(refused.output, /INVALID_CREDENTIALS|Invalid request credentials/, 'the portal\'s reason is printed');
    assert.ok(!refused.output.includes(webhookSecret(refusedWebhook)), 'the refused secret is not printed');
    const afterRefusal = await integrationState(client, projectId) as IntegrationState;
    assert.equal(afterRefusal.status, 'broken');
    assert.equal(afterRefusal.credentialsVersion, before.credentialsVersion, 'version unchanged');
    assert.deepEqual(afterRefusal.webhook, before.webhook, 'the stored (encrypted) webhook unchanged');
    assert.deepEqual(afterRefusal.lastResend, before.lastResend, 'no resend ran');
    assert.equal(await parkedCount(client, projectId), stillParked, 'parked calls untouched');

    // --- The good webhook, with the portal slow so that work is in flight: the CLI is killed during the resend.
    sandbox.admin.setFaults(projectId, [{ latencyMs: 1_500 }]);
    const webhookB = sandbox.admin.createWebhook(projectId, 1);
    const cli = await spawnCli(cliOptions('cli-reactivate', ['reactivate', '--project', projectId, '--webhook-url', '-'], webhookB));
    let seenAt = 0;
    let seen: IntegrationState | undefined;
    const inProgress = await waitUntil('a resend in progress in the integration state (T5), and the CLI watching it', async () => {
      if (cli.exited()) throw new Error(`the CLI ended before any resend was seen in progress; it printed:\n${tail(cli.output())}`);
      const state = await integrationState(client, projectId).catch(() => undefined);
      if (state?.resend && !seen) [seen, seenAt] = [state, Date.now()];
      // Killed once it shows something of the resend, or 3 s into it at the latest: the resend must outlive it either way.
      return seen && (cli.output().trim() !== '' || Date.now() - seenAt > 3_000) ? seen : undefined;
    }, 180_000, undefined, 100);
    process.stderr.write(`[multi-host] the CLI printed before it was killed:\n${tail(cli.output(), 5)}\n`);
    assert.equal(inProgress.status, 'active', 'accepted: active');
    assert.ok(inProgress.credentialsVersion > before.credentialsVersion, 'accepted: a new credentials version');
    cli.kill('SIGKILL');
    await cli.exit;
    figures.cliKills += 1;

    // `status --json` shows the resend in progress (when it still runs around the call).
    const statusDuring = await runCli(cliOptions('cli-status-during', ['status', '--project', projectId, '--json']));
    const stillRunning = (await integrationState(client, projectId))?.resend?.startedAt === inProgress.resend?.startedAt;
    if (stillRunning) assert.match(statusDuring.output, /"resend"\s*:\s*\{/, `status --json shows the resend in progress:\n${tail(statusDuring.output)}`);

    // --- SIGKILL the other worker while it writes: a call with a Bitrix24 activity started on it.
    const window = [...flow, ...parked];
    const windowIds = window.map((c) => c.callId);
    const inFlight = await waitUntil(`a call with a Bitrix24 activity in flight on ${w2.name}`, async () => {
      const found = await callsInFlightOn(client, projectId, windowIds, w2.pid);
      return found.length > 0 ? found : undefined;
    }, 120_000, undefined, 200);
    w2.kill('SIGKILL');
    await w2.exit;
    figures.workerKills += 1;
    sandbox.admin.setFaults(projectId, []);
    await supervise(false); // dispatchers only: no worker may be up before the new one starts
    const w3 = await startBridgeProcess(processOptions('worker-3', ['worker']));
    const newWorkerStart = w3.startedAt;
    const inFlightDone = await waitForCalls(client, projectId, inFlight, 180_000);
    const recoverySeconds = Math.max(...[...inFlightDone.values()].map((d) => d.closedAt - newWorkerStart)) / 1000;
    process.stderr.write(`[multi-host] ${inFlight.length} call(s) in flight on the killed worker finished ${recoverySeconds.toFixed(1)} s after the new worker's start\n`);
    assert.ok(recoverySeconds <= 30, `calls in flight on a killed worker go on within ~15 s of a worker being up (≤ 30 s on this box): ${recoverySeconds.toFixed(1)} s`);

    // --- The resend finishes inside the bridge although its CLI is gone (T3, T5).
    const finished = await waitUntil('the resend finished (lastResend of the new version)', async () => {
      const state = await integrationState(client, projectId).catch(() => undefined);
      return state && !state.resend && state.lastResend?.credentialsVersion === inProgress.credentialsVersion && state.lastResend.finishedAt ? state : undefined;
    }, 300_000);
    const summary = finished.lastResend as NonNullable<IntegrationState['lastResend']>;
    assert.equal(finished.status, 'active');
    assert.equal(summary.resend, true);
    assert.equal(summary.failed, 0, `no call failed: ${summary.failures.join('; ')}`);
    assert.ok(summary.calls >= window.length, `the resend saw every call of the window: ${summary.calls} of ${window.length}`);
    assert.ok(summary.resent >= LOST_IN_WINDOW, `the lost calls were resent: ${summary.resent}`);
    const status = await runCli(cliOptions('cli-status-after', ['status', '--project', projectId, '--json']));
    assert.equal(status.code, 0, `status of an active project exits 0:\n${tail(status.output)}`);
    assert.match(status.output, /"lastResend"\s*:\s*\{/, 'status --json shows the last resend');

    // --- Every call of the window written exactly once; the old one not at all.
    await waitForCalls(client, projectId, windowIds, 300_000);
    const problems = window.map((call) => newClientAnsweredMismatch(sandbox, projectId, { ...call, answererUserId: OLENA })).filter(Boolean);
    assert.deepEqual(problems, [], 'each call of the window: one lead {callId}:lead on the answerer, one completed call record bound to it');
    const crm = sandbox.admin.state(projectId);
    assert.equal(crm.leads.length, window.length, 'no lead beyond one per call of the window');
    assert.equal(crm.tasks.length, window.length, 'no task beyond one per call of the window');
    assert.deepEqual(writtenForCall(sandbox, projectId, old.callId), { leads: 0, tasks: 0 }, 'the call older than 3 days is not resent');
    const oldRun = await client.workflow.getHandle(callWorkflowId(projectId, old.callId)).describe();
    assert.equal(oldRun.status.name, 'TERMINATED', 'the old call was not started again');
    assert.equal(await parkedCount(client, projectId), 0, 'nothing parked');

    const duration = (Date.now() - startedAt) / 1000;
    if (unplannedExits.length) process.stderr.write(`[multi-host] unplanned exits (restarted as a supervisor would): ${unplannedExits.join('; ')}\n`);
    process.stderr.write(
      `[multi-host] summary: calls ${window.length + 1} (window ${window.length}: ${FLOW_CALLS} flowing, ${PARKED_CALLS} parked of which ${LOST_IN_WINDOW} lost; 1 older than the window), ` +
      `processes: 2 workers + 2 dispatchers + 1 replacement worker + ${figures.unplannedRestarts} unplanned restarts, ` +
      `kills: ${figures.workerKills} workers SIGKILL, ${figures.cliKills} CLI SIGKILL; restarts: Temporal 1, Kafka 1; ` +
      `in-flight recovery ${recoverySeconds.toFixed(1)} s after the new worker's start; ` +
      `resend: calls ${summary.calls}, resent ${summary.resent}, already done ${summary.alreadyDone}, skipped ${summary.skipped}, failed ${summary.failed}; ` +
      `duration ${duration.toFixed(0)} s\n`,
    );
  });
});
