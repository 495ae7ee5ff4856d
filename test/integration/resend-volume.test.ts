/**
 * Issue 15 (T3, T5, P8): a reactivation whose resend reads tens of thousands of calls' events, on
 * the real path with separate worker processes: the worker running the resend is SIGKILLed
 * mid-way and another takes it over from the heartbeat's checkpoint; the integration workflow
 * continues as new while the resend runs (its history filled by round-robin draws and by
 * reports of superseded credentials, both of which it takes in any number); queries answer
 * throughout; the heartbeat stays small; the calls whose workflows were lost are written once
 * each, calls running since before the resend are not signalled, calls before the window are
 * skipped, and another project's events are passed over. Behaviour, not timing: P8 has the figures.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Client } from '@temporalio/client';
import { decodeFromPayloadsAtIndex } from '@temporalio/common/lib/internal-non-workflow';
import type { Producer } from 'kafkajs';
import { nextRoundRobinPosition } from '../../integration/integration-client';
import { readIntegrationStatus } from '../../integration/resend-progress';
import { grpcStatusOf } from '../../platform/temporal-errors';
import type { ResendRun } from '../../schemas/workflow-io';
import { startSandbox, type Sandbox } from '../../tools/sandbox';
import {
  connectTemporal, createTestPortal, identityOfPid, newSecretKey, projectConfig, quietKafka, spawnCli, startBridgeProcess,
  tail, tearDownTest, tempDir, waitForCalls, waitForWorkerPolling, waitUntil, writeConfig, writtenForCall,
  type BridgeProcessOptions, type ProcessHandle,
} from '../../tools/testkit/bridge-process';
import { seedResendVolume, type VolumeShape } from '../../tools/testkit/resend-volume';
import { stackEnv } from '../../tools/testkit/stack-env';
import { callWorkflowId, integrationBrokenSignal, integrationWorkflowId } from '../../workflows/contract';

const SHAPE: VolumeShape = { skipped: 25_000, inProgress: 2_000, lost: 120, otherEvents: 15_000 };
/** What the server refuses is 2 MB; the issue's bar for a heartbeat is 64 KB at any volume. */
const HEARTBEAT_BAR = 64 * 1024;

describe('resend at volume: a crash and a continue-as-new mid-resend (issue 15; T3, T5)', () => {
  const suffix = randomUUID().slice(0, 8);
  const projectId = `vol-${suffix}`;
  const otherProjectId = `other-${suffix}`;
  const topic = `vol-events-${suffix}`;
  const secretKey = newSecretKey();
  const { temporalAddress, kafkaBrokers } = stackEnv();
  let root: string;
  let logDir: string;
  let configPath: string;
  let sandbox: Sandbox;
  let client: Client;
  let closeTemporal: (() => Promise<void>) | undefined;
  let producer: Producer | undefined;

  const worker = (name: string) => startBridgeProcess({
    name, configPath, temporalAddress, kafkaBrokers, topic, secretKey, components: ['worker'], logDir, logLevel: 'info',
  } satisfies BridgeProcessOptions);

  before(async () => {
    root = await tempDir('resend-volume');
    logDir = path.join(root, 'logs');
    const admin = quietKafka(kafkaBrokers).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 6 }, { topic: `${topic}.dlq`, numPartitions: 1 }], waitForLeaders: true });
    await admin.disconnect();
    sandbox = await startSandbox({ port: 0, rateLimit: { enabled: false, perSecond: 2, burst: 50 } });
    configPath = path.join(root, 'config.json');
    await writeConfig(configPath, [
      projectConfig(projectId, createTestPortal(sandbox, projectId), { scenario: { missedNewClientAssignee: 'round-robin' } }),
      projectConfig(otherProjectId, createTestPortal(sandbox, otherProjectId)),
    ]);
    ({ client, close: closeTemporal } = await connectTemporal(temporalAddress));
    producer = quietKafka(kafkaBrokers).producer();
    await producer.connect();
  });

  after(async () => {
    await tearDownTest({ name: 'resend-volume', producer, closeTemporal, sandbox, root });
  });

  it('finishes through a worker kill and a continue-as-new: lost calls written once, nothing else touched, queries answer', { timeout: 20 * 60_000 }, async () => {
    const workers: ProcessHandle[] = [await worker('worker-1'), await worker('worker-2')];
    await Promise.all(workers.map((w) => waitForWorkerPolling(client, w)));
    await waitUntil('the integration workflow', async () => (await readIntegrationStatus(client, projectId)) ?? undefined, 60_000);

    const seeded = await seedResendVolume({
      producer: producer as Producer, temporal: client, topic, projectId, otherProjectId, shape: SHAPE, idleTaskQueue: `idle-${suffix}`,
    });
    // The resend takes workflows started within a few seconds before it as possibly its own (dispatcher/call-verdict.ts).
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    const integration = client.workflow.getHandle(integrationWorkflowId(projectId));
    const firstRunId = (await integration.describe()).runId;

    // The operator's CLI, as its own process, sends the new webhook and watches the resend to its end.
    const newWebhook = sandbox.admin.createWebhook(projectId, 1);
    const cli = await spawnCli({
      name: 'reactivate', configPath, args: ['reactivate', '--project', projectId, '--webhook-url', '-', '--json'], stdin: newWebhook,
      temporalAddress, kafkaBrokers, topic, secretKey, logDir,
    });

    const t0 = Date.now();
    const at = () => `${((Date.now() - t0) / 1000).toFixed(1)} s`;
    // Queries answer throughout: one every 500 ms until the resend is done.
    const queries = { answered: 0, failed: [] as string[], resendSeenOnRuns: new Set<string>(), slowest: { ms: 0, at: '' } };
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        const asked = Date.now();
        try {
          const [state, { runId }] = await Promise.all([readIntegrationStatus(client, projectId), integration.describe()]);
          queries.answered += 1;
          // Not asserted (timing is the bench's), but printed: how long the worst wait for an answer was, and when.
          if (Date.now() - asked > queries.slowest.ms) queries.slowest = { ms: Date.now() - asked, at: at() };
          if (state?.resend) queries.resendSeenOnRuns.add(runId);
        } catch (err) {
          // The SDK's message names no reason; the server's (gRPC code and words) says which refusal it was.
          const status = grpcStatusOf(err);
          queries.failed.push(`${at()} ${(err as Error).message}${status ? ` (gRPC ${status.code}: ${status.details})` : ''}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    })();

    const timeline: string[] = [];
    const reactivationId = await waitUntil('the reactivation workflow', async () => (await readIntegrationStatus(client, projectId))?.resend?.workflowId, 60_000);
    timeline.push(`resend started ${at()}`);

    // While the resend runs, its history grows until the server suggests continue-as-new and the
    // run changes: round-robin draws (updates), and — to get there within the resend on a fast
    // box — reports that a superseded credentials version failed (signals it records and ignores).
    let draws = 0;
    let reports = 0;
    // A draw that meets the run while it closes is refused (FAILED_PRECONDITION); the bridge's
    // local activity retries it, and so does the test.
    const draw = async () => {
      const id = `draw-${suffix}-${draws++}`;
      for (let attempt = 1; ; attempt += 1) {
        try {
          return await nextRoundRobinPosition(client, projectId, 3, id);
        } catch (err) {
          if (attempt >= 10) throw err;
          await new Promise((resolve) => setTimeout(resolve, 300));
        }
      }
    };
    const report = () => integration.signal(integrationBrokenSignal, { at: new Date().toISOString(), type: 'BitrixTokenInvalid', message: 'superseded', credentialsVersion: 0 });
    const continuedAsNew = waitUntil('the integration workflow to continue as new mid-resend', async () => {
      await Promise.all([
        ...Array.from({ length: 8 }, draw),
        ...Array.from({ length: 100 }, () => { reports += 1; return report(); }),
      ]);
      const { runId } = await integration.describe();
      return runId !== firstRunId ? runId : undefined;
    }, 300_000, undefined, 0).then((runId) => { timeline.push(`continued as new after ${draws} draws and ${reports} reports ${at()}`); return runId; });
    continuedAsNew.catch(() => undefined); // awaited below; this only keeps an early failure from going unhandled

    // The resend's first checkpoint reaches the server: kill the worker that runs it.
    const beat = async () => {
      const { raw } = await client.workflow.getHandle(reactivationId).describe();
      const pending = raw.pendingActivities?.find((a) => a.activityType?.name === 'resendEvents');
      const payloads = pending?.heartbeatDetails?.payloads;
      if (!pending || !payloads?.length) return undefined;
      const bytes = payloads.reduce((sum, p) => sum + (p.data?.length ?? 0), 0);
      const details = await decodeFromPayloadsAtIndex<{ checkpoint?: { read: number; total: number } }>(client.options.loadedDataConverter, 0, payloads);
      return { bytes, read: details.checkpoint?.read ?? 0, total: details.checkpoint?.total ?? 0, identity: pending.lastWorkerIdentity ?? '' };
    };
    const first = await waitUntil('a resend checkpoint on the server', async () => {
      const b = await beat();
      return b && b.read > 0 ? b : undefined;
    }, 120_000, () => `CLI:\n${tail(cli.output(), 10)}`);
    assert.ok(first.read < first.total, `the resend was still running when its worker was killed (${first.read}/${first.total})`);
    const victim = workers.find((w) => identityOfPid(first.identity, w.pid));
    assert.ok(victim, `the resend runs on one of the workers (identity ${first.identity})`);
    victim.kill('SIGKILL');
    await victim.exit;
    timeline.push(`${victim.name} killed at ${first.read}/${first.total} ${at()}`);
    const replacement = await worker('worker-3');
    await waitForWorkerPolling(client, replacement);
    await continuedAsNew;
    // A few draws on the new run as well.
    for (let i = 0; i < 8; i += 1) await draw();

    const heartbeats: number[] = [first.bytes];
    const exit = await waitUntil('the CLI to finish', async () => {
      const b = await beat().catch(() => undefined);
      if (b) heartbeats.push(b.bytes);
      return cli.exited() ? cli.exit : undefined;
    }, 600_000, () => tail(cli.output(), 20), 1_000);
    watching = false;
    await watcher;
    timeline.push(`CLI exited ${at()}`);
    process.stderr.write(`[resend-volume] ${timeline.join('; ')}\n`);

    assert.equal(exit.code, 0, `reactivate exits 0:\n${tail(cli.output(), 20)}`);
    const printed = cli.output();
    const run = JSON.parse(printed.slice(printed.indexOf('{\n  "projectId"'), printed.lastIndexOf('}') + 1)) as ResendRun;
    assert.deepEqual(
      { calls: run.calls, skipped: run.skipped, inProgress: run.inProgress, resent: run.resent, alreadyDone: run.alreadyDone, failed: run.failed },
      { calls: SHAPE.skipped + SHAPE.inProgress + SHAPE.lost, skipped: SHAPE.skipped, inProgress: SHAPE.inProgress, resent: SHAPE.lost, alreadyDone: 0, failed: 0 },
      'each call counted once, by what it needed, across the crash',
    );
    assert.equal(run.total, seeded.messages, 'the window held every message seeded');
    assert.ok(replacement.output().includes('resend resumes where it was') || workers.some((w) => w !== victim && w.output().includes('resend resumes where it was')),
      'a surviving worker resumed the resend from its checkpoint');
    assert.ok(Math.max(...heartbeats) < HEARTBEAT_BAR, `heartbeats stayed under 64 KB: largest ${Math.max(...heartbeats)} bytes`);
    assert.ok([...queries.resendSeenOnRuns].some((runId) => runId !== firstRunId), 'a run after the continue-as-new showed the resend in progress');
    assert.deepEqual(queries.failed, [], 'every query during the resend answered');
    assert.ok(queries.answered > 10, `queries were asked throughout (${queries.answered})`);

    // The state after it: the new run holds the resend as finished, and the rotation moved once per draw.
    const state = await readIntegrationStatus(client, projectId);
    assert.equal(state?.resend, undefined);
    assert.equal(state?.lastResend?.credentialsVersion, run.credentialsVersion);
    // At least once per draw: a draw retried across a continue-as-new may move it twice (issue 16 keeps the dedup across runs).
    assert.ok((state?.roundRobin ?? 0) >= draws, `no draw lost across continue-as-new: ${state?.roundRobin} ≥ ${draws}`);

    // The lost calls are written exactly once each; the in-progress ones were never signalled.
    await waitForCalls(client, projectId, seeded.lostCallIds, 300_000);
    for (const callId of seeded.lostCallIds) assert.deepEqual(writtenForCall(sandbox, projectId, callId), { leads: 1, tasks: 1 }, `call ${callId} written once`);
    for (const callId of seeded.inProgressCallIds.slice(0, 25)) {
      const history = await client.workflow.getHandle(callWorkflowId(projectId, callId)).fetchHistory();
      assert.ok(!history.events?.some((e) => e.workflowExecutionSignaledEventAttributes), `in-progress call ${callId} was not signalled`);
    }
    process.stderr.write(`[resend-volume] ${seeded.messages} messages; resend killed at ${first.read}/${first.total}; ${draws} draws to continue-as-new; ` +
      `largest heartbeat ${Math.max(...heartbeats)} bytes; ${queries.answered} queries answered, the slowest in ${queries.slowest.ms} ms at ${queries.slowest.at}\n`);
  });
});
