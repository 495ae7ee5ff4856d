/**
 * A rolling deploy never breaks a call in flight (issue 16): today's build (1.0.0) and the next
 * release (1.1.0: today's code plus a patch that changes callWorkflowV2's commands, as the next
 * workflow change will) run AT THE SAME TIME under a steady stream of calls, each a process of
 * its own with worker, dispatcher and HTTP, as a deployment runs them. The operator promotes the
 * new build with the CLI, restarts the new build's process (its calls wait for it, none goes to
 * the old one), waits until the old one is drained, stops it; calls keep coming all along.
 * Nothing fails, nothing is written twice, and no workflow task of a history the new build
 * wrote ever reaches the old one — a history that, replayed on the old build, does fail. A run
 * the project's reconciliation Schedule starts after the promotion runs on the new build too.
 *
 * "Old" is this checkout's own code: the releases before this one have no Worker Versioning, so
 * the next deploy of a versioned bridge is exactly this pair (the unversioned → versioned step is
 * upgrade-parked-calls.test.ts). The test runs on a Temporal server of its own: promoting builds
 * changes the routing of the bridge's task queue for everything else on a server.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DefaultLogger, makeTelemetryFilterString, Runtime, Worker } from '@temporalio/worker';
import { projectRoot } from '../../platform/paths';
import { freePorts } from '../../platform/ports';
import { describeDeployment } from '../../platform/worker-deployment';
import { startTemporalDevServer, type TemporalDevServer } from '../../tools/infra/temporal-server';
import { startSandbox, type Sandbox } from '../../tools/sandbox';
import { startRingostatStandIn, type RingostatStandIn } from '../../tools/sandbox/ringostat';
import { standInProject } from '../../tools/testkit/ringostat-harness';
import { bundleTo, callHistory, startCallTraffic, waitReady, type TaskRun } from '../../tools/testkit/deploy-overlap';
import {
  connectTemporal, createCallTopics, createTestPortal, identityOfPid, newClientAnsweredMismatch, newSecretKey, projectConfig, quietKafka, runCli,
  startBridgeProcess, tearDownTest, tail, tempDir, waitForCalls, waitUntil, writeConfig, type ProcessHandle,
} from '../../tools/testkit/bridge-process';
import { stackEnv } from '../../tools/testkit/stack-env';
import { callWorkflowId, reconcileScheduleId } from '../../workflows/contract';
import { NEXT_RELEASE_PATCH } from '../fixtures/next-release/patch';

const OLD = '1.0.0';
const NEW = '1.1.0';
const OLENA = 7;
const DEPLOYMENT = 'ringostat-bridge';
/** What a worker logs when a history does not match its code (the SDK's TMPRL1100). */
const NONDETERMINISM = /nondetermini|TMPRL1100/i;

describe('upgrade: an overlapping rolling deploy under traffic (issue 16)', () => {
  let sandbox: Sandbox;
  let standIn: RingostatStandIn;
  let server: TemporalDevServer;
  let root: string;
  let nextBundle: string;
  const { kafkaBrokers } = stackEnv();
  const suffix = Date.now().toString(36);
  const topic = `overlap-${suffix}`;

  before(async () => {
    // The replay at the end makes the SDK core warn about the violation it finds; the assertion is the report.
    Runtime.install({ logger: new DefaultLogger('ERROR'), telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR' }) } } });
    root = await tempDir('upgrade-overlap');
    const [port] = await freePorts(1);
    const quiet = (line: string) => { if (process.env.TEST_VERBOSE) process.stderr.write(`[own-temporal] ${line}\n`); };
    // The next release's workflow bundle, built from the fixture; the old build runs the checkout's.
    [server, nextBundle] = await Promise.all([
      startTemporalDevServer({ dbFile: path.join(root, 'temporal.db'), port: port as number, headless: true, log: quiet }),
      bundleTo(require.resolve('../fixtures/next-release/workflows'), path.join(root, 'next-release-bundle.js')),
    ]);
    sandbox = await startSandbox({ port: 0 });
    standIn = await startRingostatStandIn();
    await createCallTopics(kafkaBrokers, topic);
  });
  after(async () => {
    await standIn?.stop();
    await tearDownTest({ name: 'upgrade-overlapping-deploy', sandbox, stack: server, root });
  });

  it('old and new builds overlap, the new one is promoted and the old one drained: every call written once, no task of a new history on the old build', async () => {
    const projectId = `overlap-${suffix}`;
    const webhookUrl = createTestPortal(sandbox, projectId);
    const configPath = path.join(root, 'config.json');
    // With Ringostat: the worker sets up the project's reconciliation Schedule, whose runs must follow the current build too.
    await writeConfig(configPath, [projectConfig(projectId, webhookUrl, { ringostat: standInProject(standIn, '1h') })]);
    const temporalAddress = server.address;
    const { client, close } = await connectTemporal(temporalAddress);
    const producer = quietKafka(kafkaBrokers).producer();
    await producer.connect();
    const secretKey = newSecretKey();
    const common = { configPath, temporalAddress, kafkaBrokers, topic, secretKey, logDir: root, groupId: `overlap-${suffix}`, logLevel: 'info' };
    const cli = (name: string, args: string[]) => runCli({ name, configPath, temporalAddress, kafkaBrokers, topic, secretKey, logDir: root, args });

    // Calls keep coming, in flight at every step of the deploy.
    const traffic = startCallTraffic(producer, topic, projectId);
    const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

    let old: ProcessHandle | undefined;
    let next: ProcessHandle | undefined;
    const newPids: number[] = [];
    const runningBuilds: ProcessHandle[] = [];
    try {
      // Today's build: the first worker of the deployment makes itself current (WORKER_VERSION_PROMOTION=auto).
      old = await startBridgeProcess({ ...common, name: `bridge-${OLD}`, env: { WORKER_BUILD_ID: OLD } });
      runningBuilds.push(old);
      await waitReady(old);
      await pause(4_000);

      // The next release beside it, left for the operator to promote.
      next = await startBridgeProcess({ ...common, name: `bridge-${NEW}`, env: { WORKER_BUILD_ID: NEW, WORKER_VERSION_PROMOTION: 'manual', WORKFLOW_BUNDLE_PATH: nextBundle } });
      await waitReady(next);
      newPids.push(next.pid);
      runningBuilds.push(next);
      await waitUntil(`${NEW} known to the deployment`, async () => {
        const view = await describeDeployment(client.workflowService, 'default', DEPLOYMENT);
        return view?.versions.some((v) => v.buildId === NEW) ? true : undefined;
      }, 60_000);
      const beforePromotion = await describeDeployment(client.workflowService, 'default', DEPLOYMENT);
      assert.equal(beforePromotion?.current, OLD, 'a manual build does not take over by itself');
      assert.match(next.output(), new RegExp(`deployment promote --build-id ${NEW.replace(/\./g, '\\.')}`), 'it tells the operator how to promote it');
      await pause(4_000);

      const promotedAt = Date.now();
      const promoted = await cli('cli-promote', ['deployment', 'promote', '--build-id', NEW]);
      assert.equal(promoted.code, 0, promoted.output);
      await pause(2_000);
      // A Schedule-started run after the promotion, with both builds polling, runs on the new one.
      await client.schedule.getHandle(reconcileScheduleId(projectId)).trigger();
      const reconcileRun = await waitUntil('the triggered reconciliation run completed', async () => {
        for await (const run of client.workflow.list({ query: `WorkflowType='reconcileWorkflow' AND ExecutionStatus='Completed'` })) return run.workflowId;
        return undefined;
      }, 60_000);
      await pause(3_000);
      // The new build's process goes away mid-deploy (a crash, a scale-down) and comes back: meanwhile
      // its calls wait for it, and the old build, still polling, gets none of them (upgrade-overlap-control.test.ts:
      // under one build id it would, and would fail them).
      await next.stop();
      await pause(4_000);
      const nextAgain = await startBridgeProcess({ ...common, name: `bridge-${NEW}-again`, env: { WORKER_BUILD_ID: NEW, WORKER_VERSION_PROMOTION: 'manual', WORKFLOW_BUNDLE_PATH: nextBundle } });
      newPids.push(nextAgain.pid);
      runningBuilds.push(nextAgain);
      await waitReady(nextAgain);
      await pause(3_000);

      const drained = await cli('cli-drained', ['deployment', 'wait-drained', '--build-id', OLD, '--wait', '90']);
      assert.equal(drained.code, 0, drained.output);
      await old.stop();
      assert.equal((await old.exit).code, 0, `the old build stops cleanly: ${tail(old.output())}`);
      await pause(3_000);
      await traffic.stop();
      const { calls } = traffic;

      const done = await waitForCalls(client, projectId, calls.map((c) => c.events[0]!.callId), 240_000);
      assert.equal(done.size, calls.length);

      // Each call written exactly once (one lead, one call record task), none failed.
      for (const call of calls) {
        const first = call.events[0]!;
        assert.equal(newClientAnsweredMismatch(sandbox, projectId, { callId: first.callId, clientNumber: first.clientNumber, answererUserId: OLENA }), undefined);
      }

      // Who ran what: the histories.
      const histories = await Promise.all(calls.map((c) => callHistory(client, projectId, c.events[0]!.callId, NEXT_RELEASE_PATCH)));
      const byOld = (t: TaskRun) => identityOfPid(t.identity, old!.pid);
      const byNew = (t: TaskRun) => newPids.some((pid) => identityOfPid(t.identity, pid));
      for (const h of histories) {
        assert.deepEqual(h.failures, [], `${h.callId}: no workflow task failed`);
        assert.ok(h.tasks.every((t) => byOld(t) || byNew(t)), `${h.callId}: every task ran on one of the two builds`);
        const firstNew = h.tasks.findIndex(byNew);
        if (firstNew >= 0) assert.ok(!h.tasks.slice(firstNew).some(byOld), `${h.callId}: no task on the old build after the new one ran it`);
        if (h.patched) assert.ok(h.tasks.every(byNew), `${h.callId}: a history the new build wrote never reaches the old one`);
        for (const t of h.tasks) assert.equal(t.buildId, byOld(t) ? OLD : NEW, `${h.callId}: the task's recorded build matches its worker`);
        assert.ok(h.tasks.filter(byNew).every((t) => t.startedAt >= Math.floor(promotedAt / 1000) * 1000), `${h.callId}: the new build got no task before it was promoted`);
      }
      // One line per call (o: a task on the old build, n: on the new; * the new build's patch), for a failure message.
      const shape = histories.map((h) => `${h.tasks.map((t) => (byOld(t) ? 'o' : byNew(t) ? 'n' : '?')).join('')}${h.patched ? '*' : ''}`).join(' ');
      const started = { shape, old: histories.filter((h) => !h.patched && h.tasks.every(byOld)).length, moved: histories.filter((h) => h.tasks.some(byOld) && h.tasks.some(byNew)).length,
        new: histories.filter((h) => h.patched).length };
      assert.ok(started.old > 0, `some calls ran on the old build alone: ${JSON.stringify(started)}`);
      assert.ok(started.moved > 0, `some calls in flight moved from the old build to the new one (AUTO_UPGRADE): ${JSON.stringify(started)}`);
      assert.ok(started.new > 0, `calls started after the promotion ran the new code: ${JSON.stringify(started)}`);
      for (const bridge of runningBuilds) assert.doesNotMatch(bridge.output(), NONDETERMINISM, `${bridge.name} met no history it could not replay`);

      const reconcileTasks = (await client.workflow.getHandle(reconcileRun).fetchHistory()).events
        ?.flatMap((event) => (event.workflowTaskCompletedEventAttributes ? [event.workflowTaskCompletedEventAttributes.identity ?? ''] : [])) ?? [];
      assert.ok(reconcileTasks.length > 0 && reconcileTasks.every((identity) => newPids.some((pid) => identityOfPid(identity, pid))), `the scheduled run ran on ${NEW}: ${reconcileTasks.join(', ')}`);

      // The danger was real: a history the new build wrote fails on the old build's code, and replays on its own.
      const sample = histories.find((h) => h.patched)!;
      const oldBundle = process.env.WORKFLOW_BUNDLE_PATH ?? path.join(projectRoot, 'dist', 'workflow-bundle.js');
      await assert.rejects(Worker.runReplayHistory({ workflowBundle: { codePath: oldBundle } }, sample.history, callWorkflowId(projectId, sample.callId)),
        (err: Error) => err.name === 'DeterminismViolationError', 'the old build cannot replay a history the new build wrote');
      await Worker.runReplayHistory({ workflowBundle: { codePath: nextBundle } }, sample.history, callWorkflowId(projectId, sample.callId));
    } finally {
      await traffic.stop().catch(() => undefined);
      await producer.disconnect();
      await close();
    }
  });
});
