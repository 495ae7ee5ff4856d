/**
 * Negative control of upgrade-overlapping-deploy.test.ts (issue 16): the same two builds side by
 * side, but under ONE build id — a release that changed workflow code without a new version, the
 * mistake docs/upgrades.md step 5 warns about, and what every deploy was before Worker Versioning.
 * Then the server sees one version and both processes share its workflow tasks, and the old code
 * does get histories the new code wrote and fails them on replay (TMPRL1100): the finding the
 * overlapping-deploy test shows versioning removes, and proof that its checks can see it.
 * A workflow's tasks stay on the worker that last ran it (its sticky queue) while that worker
 * lives, so the new-code process stops mid-traffic — a crash or a scale-down during the deploy —
 * and the calls it started go on wherever the version's tasks go: to the old code.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePorts } from '../../platform/ports';
import { startTemporalDevServer, type TemporalDevServer } from '../../tools/infra/temporal-server';
import { startSandbox, type Sandbox } from '../../tools/sandbox';
import { bundleTo, callHistory, startCallTraffic, waitReady } from '../../tools/testkit/deploy-overlap';
import {
  connectTemporal, createCallTopics, createTestPortal, identityOfPid, newSecretKey, projectConfig, quietKafka, startBridgeProcess, tail, tearDownTest,
  tempDir, waitUntil, writeConfig,
} from '../../tools/testkit/bridge-process';
import { stackEnv } from '../../tools/testkit/stack-env';
import { NEXT_RELEASE_PATCH } from '../fixtures/next-release/patch';

const BUILD = '1.0.0';

describe('upgrade, negative control: two builds under one build id share the tasks (issue 16)', () => {
  let sandbox: Sandbox;
  let server: TemporalDevServer;
  let root: string;
  let nextBundle: string;
  const { kafkaBrokers } = stackEnv();
  const suffix = Date.now().toString(36);
  const topic = `overlap-control-${suffix}`;

  before(async () => {
    root = await tempDir('upgrade-overlap-control');
    const [port] = await freePorts(1);
    [server, nextBundle] = await Promise.all([
      startTemporalDevServer({ dbFile: path.join(root, 'temporal.db'), port: port as number, headless: true, log: () => undefined }),
      bundleTo(require.resolve('../fixtures/next-release/workflows'), path.join(root, 'next-release-bundle.js')),
    ]);
    sandbox = await startSandbox({ port: 0 });
    await createCallTopics(kafkaBrokers, topic);
  });
  after(() => tearDownTest({ name: 'upgrade-overlap-control', sandbox, stack: server, root }));

  it('the old code gets a task of a history the new code wrote and fails it on replay', async () => {
    const projectId = `control-${suffix}`;
    const configPath = path.join(root, 'config.json');
    await writeConfig(configPath, [projectConfig(projectId, createTestPortal(sandbox, projectId))]);
    const temporalAddress = server.address;
    const { client, close } = await connectTemporal(temporalAddress);
    const producer = quietKafka(kafkaBrokers).producer();
    await producer.connect();
    const common = { configPath, temporalAddress, kafkaBrokers, topic, secretKey: newSecretKey(), logDir: root, groupId: `control-${suffix}`, logLevel: 'info' };
    const traffic = startCallTraffic(producer, topic, projectId);
    try {
      const old = await startBridgeProcess({ ...common, name: 'old-code', env: { WORKER_BUILD_ID: BUILD } });
      const next = await startBridgeProcess({
        ...common, name: 'new-code-same-id', env: { WORKER_BUILD_ID: BUILD, WORKFLOW_BUNDLE_PATH: nextBundle },
      });
      await Promise.all([waitReady(old), waitReady(next)]);
      await waitUntil('calls started by the new code', async () => {
        const histories = await Promise.all(traffic.calls.map((c) => callHistory(client, projectId, c.events[0]!.callId, NEXT_RELEASE_PATCH).catch(() => undefined)));
        return histories.filter((h) => h?.patched).length >= 3 ? true : undefined;
      }, 60_000, undefined, 500);
      await next.stop();
      let shape = '';
      const broken = await waitUntil('a task of a new history failing on the old code', async () => {
        const histories = await Promise.all(traffic.calls.map((c) => callHistory(client, projectId, c.events[0]!.callId, NEXT_RELEASE_PATCH).catch(() => undefined)));
        // One word per call (o: a task on the old code, n: on the new; * the new code's patch; ! a failed task), for the failure message.
        shape = histories.map((h) => `${h?.tasks.map((t) => (identityOfPid(t.identity, old.pid) ? 'o' : 'n')).join('') ?? '-'}${h?.patched ? '*' : ''}${h?.failures.length ? '!' : ''}`).join(' ');
        return histories.find((h) => h?.patched && h.failures.some((f) => identityOfPid(f, old.pid) && /TMPRL1100|nondetermin/i.test(f)));
      }, 120_000, () => `${traffic.calls.length} calls so far: ${shape}; the old code's log:\n${tail(old.output(), 10)}`, 1_000);
      assert.ok(broken.tasks.some((t) => identityOfPid(t.identity, next.pid)), 'the new code wrote the history');
    } finally {
      await traffic.stop().catch(() => undefined);
      await producer.disconnect();
      await close();
    }
  });
});
