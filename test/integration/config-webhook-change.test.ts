/**
 * T6 and issue 12 "Done when", third item: a webhook changed in the config file is checked
 * against the portal when a bridge process starts. Accepted → it becomes the integration
 * workflow's next credentials version, as a reactivation with `resendOnReactivation`, and calls
 * are written with it; refused → an error log line names the project and the portal's reason,
 * and the project stays as it was (version and webhook in use). A project broken before the
 * restart comes back with a good new webhook in the config, and its parked calls complete.
 * Each bridge is a separate process (`node dist/workers/main.js`, the build) with its own DATA_DIR.
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
import { callEvents } from '../../tools/testkit/call-events';
import {
  connectTemporal, countRequestsByWebhook, createTestPortal, integrationState, newClientAnsweredMismatch,
  newSecretKey, parkedCount, projectConfig, publishEvents, quietKafka, startBridgeProcess, tearDownTest, tail, tempDir,
  waitForCalls, waitForWorkerPolling, waitUntil, webhookSecret, writeConfig, type ProcessHandle,
} from '../../tools/testkit/bridge-process';
import { stackEnv } from '../../tools/testkit/stack-env';

const OLENA = 7; // employee 101

interface Call {
  callId: string;
  clientNumber: string;
  events: CallEvent[];
}

function newCalls(projectId: string, count: number, prefix: string): Call[] {
  return Array.from({ length: count }, (_, i) => {
    const clientNumber = `+38063${prefix}${String(i).padStart(4, '0')}`;
    const events = callEvents({ projectId, clientNumber, employee: { staffId: '101' } });
    return { callId: (events[0] as CallEvent).callId, clientNumber, events };
  });
}

/** pino JSON lines of a process's output, parsed (other lines skipped). */
function logRecords(output: string): Array<Record<string, unknown>> {
  return output.split('\n').flatMap((line) => {
    if (!line.trim().startsWith('{')) return [];
    try {
      return [JSON.parse(line) as Record<string, unknown>];
    } catch {
      return [];
    }
  });
}

function isErrorLevel(record: Record<string, unknown>): boolean {
  return typeof record.level === 'number' ? record.level >= 50 : ['error', 'fatal'].includes(String(record.level));
}

describe('a webhook changed in the config file (T6)', () => {
  const suffix = randomUUID().slice(0, 8);
  /** One topic and one consumer group per test: a later test's bridge never sees an earlier test's project. */
  let topic = '';
  const secretKey = newSecretKey();
  let root: string;
  let logDir: string;
  let sandbox: Sandbox;
  let requests: ReturnType<typeof countRequestsByWebhook>;
  let client: Client;
  let closeTemporal: (() => Promise<void>) | undefined;
  let producer: Producer | undefined;
  let kafka: ReturnType<typeof quietKafka>;

  async function useTopic(name: string): Promise<void> {
    topic = name;
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }, { topic: `${topic}.dlq`, numPartitions: 1 }], waitForLeaders: true });
    await admin.disconnect();
  }

  before(async () => {
    root = await tempDir('config-webhook-change');
    logDir = path.join(root, 'logs');
    sandbox = await startSandbox({ port: 0, rateLimit: { enabled: false, perSecond: 2, burst: 50 } });
    requests = countRequestsByWebhook(sandbox);
    const { temporalAddress, kafkaBrokers } = stackEnv();
    ({ client, close: closeTemporal } = await connectTemporal(temporalAddress));
    kafka = quietKafka(kafkaBrokers);
    producer = kafka.producer();
    await producer.connect();
  });

  after(async () => {
    await tearDownTest({ name: 'config-webhook-change', producer, closeTemporal, sandbox, root });
  });

  let generation = 0;
  /** One bridge process (worker + dispatcher) on the given config; waits until its worker polls. */
  async function startBridge(configPath: string, label: string): Promise<ProcessHandle> {
    generation += 1;
    const { temporalAddress, kafkaBrokers } = stackEnv();
    const bridge = await startBridgeProcess({
      name: `${label}-${generation}`, configPath, temporalAddress, kafkaBrokers, topic, secretKey, logDir,
      components: ['worker', 'dispatcher'], groupId: `${topic}-dispatcher`, logLevel: 'info',
    });
    await waitForWorkerPolling(client, bridge);
    return bridge;
  }

  async function runCalls(projectId: string, calls: Call[]): Promise<void> {
    await publishEvents(producer as Producer, topic, calls.flatMap((c) => c.events));
    await waitForCalls(client, projectId, calls.map((c) => c.callId), 180_000);
  }

  function assertWrittenOnce(projectId: string, calls: Call[]): void {
    const problems = calls.map((call) => newClientAnsweredMismatch(sandbox, projectId, { ...call, answererUserId: OLENA })).filter(Boolean);
    assert.deepEqual(problems, [], 'each call: one lead on the answerer, one completed call record');
  }

  async function stateOf(projectId: string): Promise<IntegrationState> {
    return waitUntil(`the integration state of ${projectId}`, () => integrationState(client, projectId), 60_000);
  }

  it('accepted: a new webhook in the config becomes the next version, a resend runs, calls use it; refused: an error names the project and the reason, nothing changes', { timeout: 15 * 60_000 }, async () => {
    const projectId = `cfg-${suffix}`;
    await useTopic(`${projectId}-events`);
    const webhookA = createTestPortal(sandbox, projectId);
    const configPath = path.join(root, `config-${projectId}.json`);
    await writeConfig(configPath, [projectConfig(projectId, webhookA)]);

    let bridge = await startBridge(configPath, 'bridge-a');
    const first = newCalls(projectId, 2, '11');
    await runCalls(projectId, first);
    const withA = await stateOf(projectId);
    assert.equal(withA.status, 'active');
    await bridge.stop();

    // --- Accepted: webhook B in the config (A still valid at the portal: only the version tells which is used).
    const webhookB = sandbox.admin.createWebhook(projectId, 1);
    await writeConfig(configPath, [projectConfig(projectId, webhookB)]);
    bridge = await startBridge(configPath, 'bridge-b');
    const withB = await waitUntil('the config webhook taken as the next credentials version', async () => {
      const state = await integrationState(client, projectId).catch(() => undefined);
      return state && state.credentialsVersion > withA.credentialsVersion ? state : undefined;
    }, 120_000, () => tail(bridge.output(), 15));
    assert.equal(withB.status, 'active');
    assert.notDeepEqual(withB.webhook, withA.webhook, 'the stored (encrypted) webhook changed');
    const resent = await waitUntil('the resend of the reactivation finished (resendOnReactivation: true)', async () => {
      const state = await integrationState(client, projectId).catch(() => undefined);
      return state && !state.resend && state.lastResend?.credentialsVersion === withB.credentialsVersion && state.lastResend.finishedAt ? state : undefined;
    }, 180_000);
    assert.equal(resent.lastResend?.resend, true);
    assert.equal(resent.lastResend?.failed, 0);
    const [aBefore, bBefore] = [requests.count(webhookA), requests.count(webhookB)];
    assert.ok(bBefore > 0, 'the portal was asked with B (the check at start)');
    const second = newCalls(projectId, 2, '12');
    await runCalls(projectId, second);
    assert.equal(requests.count(webhookA) - aBefore, 0, 'no request with the old webhook A after the change');
    assert.ok(requests.count(webhookB) > bBefore, 'calls are written with B');
    assertWrittenOnce(projectId, [...first, ...second]);
    await bridge.stop();

    // --- Refused: a revoked webhook C in the config.
    const webhookC = sandbox.admin.createWebhook(projectId, 1);
    sandbox.admin.revokeWebhook(webhookC);
    await writeConfig(configPath, [projectConfig(projectId, webhookC)]);
    bridge = await startBridge(configPath, 'bridge-c');
    const errorLine = await waitUntil('an error log line naming the project and the portal\'s reason', async () => {
      const hit = logRecords(bridge.output()).find((record) => {
        const text = JSON.stringify(record);
        return isErrorLevel(record) && text.includes(projectId) && /INVALID_CREDENTIALS|Invalid request credentials/.test(text);
      });
      return hit;
    }, 120_000, () => tail(bridge.output(), 20));
    assert.ok(!JSON.stringify(errorLine).includes(webhookSecret(webhookC)), 'the error line does not print the secret');
    assert.ok(requests.count(webhookC) >= 1, 'C was checked against the portal');
    const withC = await stateOf(projectId);
    assert.equal(withC.credentialsVersion, withB.credentialsVersion, 'version unchanged');
    assert.equal(withC.status, 'active', 'still active with B');
    assert.deepEqual(withC.webhook, withB.webhook, 'the webhook in use is still B');
    const [bBeforeThird, cBeforeThird] = [requests.count(webhookB), requests.count(webhookC)];
    const third = newCalls(projectId, 2, '13');
    await runCalls(projectId, third);
    assert.ok(requests.count(webhookB) > bBeforeThird, 'calls still use B');
    assert.equal(requests.count(webhookC) - cBeforeThird, 0, 'calls never use the refused C');
    assertWrittenOnce(projectId, [...first, ...second, ...third]);
    assert.equal(sandbox.admin.state(projectId).leads.length, 6, 'one lead per call, nothing doubled by the resend');
    await bridge.stop();
  });

  it('a project broken before a restart comes back with a good new webhook in the config: active, parked calls complete', { timeout: 15 * 60_000 }, async () => {
    const projectId = `cfgb-${suffix}`;
    await useTopic(`${projectId}-events`);
    const webhookA = createTestPortal(sandbox, projectId);
    const configPath = path.join(root, `config-${projectId}.json`);
    await writeConfig(configPath, [projectConfig(projectId, webhookA)]);

    let bridge = await startBridge(configPath, 'broken-a');
    const first = newCalls(projectId, 1, '21');
    await runCalls(projectId, first);
    sandbox.admin.revokeWebhook(webhookA);
    const parked = newCalls(projectId, 3, '22');
    await publishEvents(producer as Producer, topic, parked.flatMap((c) => c.events));
    await waitUntil('3 parked calls', async () => ((await parkedCount(client, projectId)) === 3 ? true : undefined), 180_000,
      () => tail(bridge.output(), 15));
    const broken = await stateOf(projectId);
    assert.equal(broken.status, 'broken');
    await bridge.stop();

    const webhookB = sandbox.admin.createWebhook(projectId, 1);
    await writeConfig(configPath, [projectConfig(projectId, webhookB)]);
    bridge = await startBridge(configPath, 'broken-b');
    const active = await waitUntil('active again with the config\'s new webhook', async () => {
      const state = await integrationState(client, projectId).catch(() => undefined);
      return state?.status === 'active' && state.credentialsVersion > broken.credentialsVersion ? state : undefined;
    }, 120_000, () => tail(bridge.output(), 15));
    await waitForCalls(client, projectId, parked.map((c) => c.callId), 180_000);
    assertWrittenOnce(projectId, [...first, ...parked]);
    assert.equal(await parkedCount(client, projectId), 0);
    const finished = await waitUntil('the resend of the reactivation finished', async () => {
      const state = await integrationState(client, projectId).catch(() => undefined);
      return state && !state.resend && state.lastResend?.credentialsVersion === active.credentialsVersion ? state : undefined;
    }, 180_000);
    assert.equal(finished.lastResend?.failed, 0);
    assert.equal(sandbox.admin.state(projectId).leads.length, 4, 'one lead per call');
    await bridge.stop();
  });
});
