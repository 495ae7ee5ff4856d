/**
 * Issue 16, item 6 (R3, B4): a local activity's retries are bounded, and a call whose work was
 * given up says why — in its result, its UI summary and `status` (CallOutcome
 * `retries-exhausted`) — instead of retrying forever or failing its workflow without a word.
 * The call workflow runs from the real bundle on a task queue of its own, whose settings
 * activity keeps failing as a worker that cannot answer would.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { CallResult } from '../../schemas/workflow-io';
import { callWorkflowV2 } from '../../workflows';
import { callWorkflowId, ProjectIdKey } from '../../workflows/contract';
import { workflowBundle } from '../../workers/temporal-worker';
import { startHarness, type Harness } from '../../tools/testkit/bridge-harness';
import { runCli } from '../../tools/testkit/run-cli';
import { toolWorkerTuning } from '../../tools/testkit/worker-tuning';

describe('a local activity that gives up (issue 16, item 6)', () => {
  let h: Harness;
  let projectId: string;
  let stopWorker: (() => Promise<void>) | undefined;
  const taskQueue = `bounded-${randomUUID().slice(0, 8)}`;
  let attempts = 0;

  before(async () => {
    h = await startHarness({ projects: [{ id: 'bounded' }] });
    projectId = h.projectIds[0] as string;
    const connection = await NativeConnection.connect({ address: h.temporalAddress });
    const worker = await Worker.create({
      connection, taskQueue, workflowBundle: await workflowBundle(toolWorkerTuning().workflowBundlePath),
      activities: {
        loadProjectSettings: () => {
          attempts += 1;
          return Promise.reject(new Error('settings store unreachable'));
        },
      },
    });
    const running = worker.run();
    stopWorker = async () => {
      worker.shutdown();
      await running.catch(() => undefined);
      await connection.close();
    };
  });
  after(async () => {
    await stopWorker?.();
    await h?.stop();
  });

  it('the call ends with retries-exhausted and its reason, in its result, summary and status', { timeout: 300_000 }, async () => {
    const handle = await h.bridge.temporal.workflow.start(callWorkflowV2, {
      workflowId: callWorkflowId(projectId, `gave-up-${randomUUID().slice(0, 8)}`), taskQueue,
      args: [{ projectId, callId: 'gave-up' }], typedSearchAttributes: [{ key: ProjectIdKey, value: projectId }],
    });
    const result: CallResult = await handle.result();
    assert.equal(attempts, 10, 'bounded: ten attempts, then it gave up');
    assert.equal(result.phase, 'completed');
    assert.equal(result.outcome, 'retries-exhausted');
    assert.equal(result.failures.length, 1);
    assert.equal(result.failures[0]?.step, 'settings');
    assert.equal(result.failures[0]?.type, 'LocalActivityGaveUp');
    // Its reason: the last attempt's error — or, when the tenth attempt races a workflow-task
    // heartbeat, sdk-core's word that the attempt timed out (seen once in CI, 2026-12-05: "Tried to
    // complete untracked local activity"). Either way the call says it gave up, and why.
    assert.match(result.failures[0]?.message ?? '', /^gave up (after its last retry: settings store unreachable|: its start-to-close timeout passed while it was still being retried)/);

    const metadata = await handle.query<{ currentDetails?: string }>('__temporal_workflow_metadata');
    assert.match(metadata.currentDetails ?? '', /retries-exhausted — settings failed: LocalActivityGaveUp/);

    const status = await runCli(h, ['status', '--project', projectId, '--json']);
    const report = JSON.parse(status.stdout) as { projects: Array<{ calls: { retriesExhausted: number } }> };
    assert.equal(report.projects[0]?.calls.retriesExhausted, 1, `status counts it: ${status.stdout.slice(0, 400)}`);
    const human = await runCli(h, ['status', '--project', projectId]);
    assert.match(human.stdout, /gave up\s+1 calls with work given up/);
  });
});
