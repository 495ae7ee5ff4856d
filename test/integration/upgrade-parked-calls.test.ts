/**
 * Calls in flight survive upgrades (issue 8, R1, T1–T3): calls park on the bridge as it was
 * released before version 2 — its own code, checked out from git, with its credentials file and
 * its per-number lock — then that bridge stops and the new one starts in its place (the same
 * credentials folder, imported once), the operator reactivates from the CLI, and every parked
 * call is written exactly once, finishing on the version-1 workflow code it started on.
 *
 * On a Temporal server of its own, fresh as a version-1 deployment's: version 1's workers poll
 * unversioned, and on a server where a bridge build is current (Worker Versioning, issue 16) no
 * task would reach them. The versioned bridge that replaces them finds no current version and
 * makes its own current, moving version 1's unversioned workflows to it.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { projectRoot } from '../../platform/paths';
import { freePorts } from '../../platform/ports';
import { startSandbox, type Sandbox } from '../../tools/sandbox';
import { callEvents } from '../../tools/testkit/call-events';
import {
  connectTemporal, createCallTopics, createTestPortal, listWorkflows, newClientAnsweredMismatch, newSecretKey, parkedCount, projectConfig, publishEvents,
  quietKafka, runCli, startBridgeProcess, stopAllProcesses, tempDir, waitForCalls, waitUntil, writeConfig,
} from '../../tools/testkit/bridge-process';
import { stackEnv } from '../../tools/testkit/stack-env';
import { startTemporalDevServer, type TemporalDevServer } from '../../tools/infra/temporal-server';
import { describeDeployment, packageBuildId } from '../../platform/worker-deployment';

/** The last release before version 2 (the commit this session started from). */
const V1_COMMIT = '58ee6c7cef00b39414c609614a94c28c90bf3a26';
const OLENA = 7;

/** The released tree of `commit`, sharing this checkout's node_modules (its dependencies are the same). */
function checkOut(commit: string, dir: string): void {
  try {
    execFileSync('git', ['cat-file', '-e', `${commit}^{commit}`], { cwd: projectRoot, stdio: 'ignore' });
  } catch {
    throw new Error(`commit ${commit} (version 1) is not in this clone: the upgrade test needs the project's history (git fetch --unshallow)`);
  }
  const archive = execFileSync('git', ['archive', '--format=tar', commit], { cwd: projectRoot, maxBuffer: 256 * 1024 * 1024 });
  execFileSync('tar', ['-x', '-C', dir], { input: archive });
  fs.symlinkSync(path.join(projectRoot, 'node_modules'), path.join(dir, 'node_modules'));
}

describe('upgrade: calls parked on version 1 finish on version 2 (issue 8)', () => {
  let sandbox: Sandbox;
  let v1Root: string;
  let v1Data: string;
  let logDir: string;
  let server: TemporalDevServer;
  let temporalAddress: string;
  const { kafkaBrokers } = stackEnv();
  const topic = `upgrade-${Date.now()}`;

  before(async () => {
    v1Root = await tempDir('bridge-v1-release');
    v1Data = await tempDir('bridge-v1-data');
    logDir = await tempDir('upgrade-logs');
    checkOut(V1_COMMIT, v1Root);
    const [port] = await freePorts(1);
    server = await startTemporalDevServer({ dbFile: path.join(logDir, 'temporal.db'), port: port as number, headless: true, log: () => undefined });
    temporalAddress = server.address;
    sandbox = await startSandbox({ port: 0 });
    await createCallTopics(kafkaBrokers, topic);
  });
  after(async () => {
    await stopAllProcesses();
    await sandbox?.stop();
    await server?.stop();
    for (const dir of [v1Root, v1Data, logDir]) if (dir && !process.env.KEEP_TEST_DATA) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('parks calls on v1, upgrades the worker, reactivates: each call written exactly once', async () => {
    const projectId = `upgrade-${Date.now().toString(36)}`;
    const webhookUrl = createTestPortal(sandbox, projectId);
    const configPath = path.join(logDir, 'config.json');
    await writeConfig(configPath, [projectConfig(projectId, webhookUrl)]);
    const temporal = await connectTemporal(temporalAddress);
    const producer = quietKafka(kafkaBrokers).producer();
    await producer.connect();
    try {
      // Version 1, as released: worker, dispatcher and HTTP in one process, credentials in its data folder.
      const [httpPort] = await freePorts(1);
      const v1 = startV1Bridge({ root: v1Root, dataDir: v1Data, configPath, temporalAddress, kafkaBrokers, topic, httpPort: httpPort as number, logFile: path.join(logDir, 'v1.log') });

      const healthy = callEvents({ projectId, clientNumber: '+380509990001', employee: { staffId: '101' } });
      await publishEvents(producer, topic, healthy);
      await waitForCalls(temporal.client, projectId, [healthy[0]!.callId], 180_000);

      sandbox.admin.revokeWebhook(webhookUrl);
      const parked = [2, 3, 4].map((i) => callEvents({ projectId, clientNumber: `+38050999000${i}`, employee: { staffId: '101' } }));
      await publishEvents(producer, topic, parked.flat());
      await waitUntil('3 calls parked on version 1', async () => ((await parkedCount(temporal.client, projectId)) === 3 ? true : undefined), 120_000, v1.output);
      const types = await listWorkflows(temporal.client, `ProjectId='${projectId}'`);
      assert.ok(types.every((w) => w.type === 'callWorkflow'), 'the calls run version 1\'s workflow');

      // The deploy: the old process stops, the new one starts on the same host (its credentials folder).
      await v1.stop();
      const secretKey = newSecretKey();
      const v2 = await startBridgeProcess({
        name: 'v2', configPath, temporalAddress, kafkaBrokers, topic, secretKey, logDir,
        env: { CREDENTIALS_DIR: path.join(v1Data, 'credentials') },
      });
      await waitUntil('the integration workflow moved to version 2', async () => {
        const running = await listWorkflows(temporal.client, `WorkflowId='integration:${projectId}' AND ExecutionStatus='Running'`);
        return running[0]?.type === 'integrationWorkflowV2' ? true : undefined;
      }, 120_000, v2.output);
      assert.equal(await parkedCount(temporal.client, projectId), 3, 'still parked after the upgrade');
      const deployment = await describeDeployment(temporal.client.workflowService, 'default', 'ringostat-bridge');
      assert.equal(deployment?.current, packageBuildId(), 'the first versioned worker made its build current');
      assert.match(v2.output(), /imported the credentials file of version 1/);

      const reactivated = await runCli({
        name: 'cli-reactivate', configPath, temporalAddress, kafkaBrokers, topic, logDir, secretKey,
        args: ['reactivate', '--project', projectId, '--webhook-url', '-'], stdin: `${sandbox.admin.createWebhook(projectId, 1)}\n`,
      });
      assert.equal(reactivated.code, 0, reactivated.output);

      const done = await waitForCalls(temporal.client, projectId, parked.map((e) => e[0]!.callId), 180_000);
      for (const events of [healthy, ...parked]) {
        const mismatch = newClientAnsweredMismatch(sandbox, projectId, { callId: events[0]!.callId, clientNumber: events[0]!.clientNumber, answererUserId: OLENA });
        assert.equal(mismatch, undefined, mismatch);
      }
      assert.equal(done.size, 3);
      const after = await listWorkflows(temporal.client, `ProjectId='${projectId}'`);
      assert.ok(after.filter((w) => w.type === 'callWorkflow').length >= 4, 'the parked calls finished on the code they started on');

      // A call after the upgrade runs version 2.
      const fresh = callEvents({ projectId, clientNumber: '+380509990009', employee: { staffId: '101' } });
      await publishEvents(producer, topic, fresh);
      await waitForCalls(temporal.client, projectId, [fresh[0]!.callId], 120_000);
      const freshType = (await listWorkflows(temporal.client, `WorkflowId='call:${projectId}:${fresh[0]!.callId}'`))[0]?.type;
      assert.equal(freshType, 'callWorkflowV2');
      assert.equal(newClientAnsweredMismatch(sandbox, projectId, { callId: fresh[0]!.callId, clientNumber: fresh[0]!.clientNumber, answererUserId: OLENA }), undefined);
    } finally {
      await producer.disconnect();
      await temporal.close();
    }
  });
});

/** Version 1's `npm start` as a process of its own (its tree, its data folder). */
function startV1Bridge(options: {
  root: string; dataDir: string; configPath: string; temporalAddress: string; kafkaBrokers: string[]; topic: string; httpPort: number; logFile: string;
}): { stop(): Promise<void>; output(): string } {
  const fd = fs.openSync(options.logFile, 'a');
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['NODE_TEST_CONTEXT', 'NODE_OPTIONS', 'BRIDGE_SECRET_KEY', 'BRIDGE_COMPONENTS', 'WORKFLOW_BUNDLE_PATH']) delete env[name];
  const child = spawn(process.execPath, ['--import', pathToFileURL(require.resolve('tsx', { paths: [projectRoot] })).href, 'workers/main.ts'], {
    cwd: options.root, detached: true, stdio: ['ignore', fd, fd],
    env: {
      ...env, CONFIG_PATH: options.configPath, DATA_DIR: options.dataDir, CREDENTIALS_DIR: path.join(options.dataDir, 'credentials'),
      TEMPORAL_ADDRESS: options.temporalAddress, KAFKA_BROKERS: options.kafkaBrokers.join(','), CALL_EVENTS_TOPIC: options.topic,
      HTTP_PORT: String(options.httpPort), LOG_LEVEL: 'info',
    },
  });
  fs.closeSync(fd);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const group = (signal: NodeJS.Signals) => {
    try {
      process.kill(-(child.pid as number), signal);
    } catch {
      // gone
    }
  };
  process.once('exit', () => group('SIGKILL'));
  return {
    output: () => fs.readFileSync(options.logFile, 'utf8'),
    async stop() {
      group('SIGTERM');
      const timer = setTimeout(() => group('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
      group('SIGKILL');
    },
  };
}
