/**
 * R7, T5: the integration state is read by query from every process (the CLI watching a resend,
 * `status`, workers' credentials), and a query must not fail while the workflow is merely busy.
 * Temporal turns a query away (FAILED_PRECONDITION, "Workflow Task in failed state") while the
 * workflow's task is on its third attempt or later — which a continue-as-new meeting a stream of
 * signals causes, and which once ended a CI run's `reactivate` with "Failed to query Workflow"
 * while its resend went on fine. Here the real integration workflow, from the real bundle on a
 * task queue of its own, gets its task failed three times by hand (the raw RPCs a worker uses),
 * then a worker comes: the server's refusal is what isQueryNotReady names, and a read that
 * started while it was refused answers once the worker has run the task.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { temporal } from '@temporalio/proto';
import type { Client } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { blankIntegrationState, readIntegrationState } from '../../integration/integration-client';
import { grpcStatusOf, isQueryNotReady } from '../../platform/temporal-errors';
import { connectTemporal } from '../../tools/testkit/bridge-process';
import { stackEnv } from '../../tools/testkit/stack-env';
import { toolWorkerTuning } from '../../tools/testkit/worker-tuning';
import { integrationWorkflowV2 } from '../../workflows';
import { integrationStateQuery, integrationWorkflowId } from '../../workflows/contract';
import { workflowBundle } from '../../workers/temporal-worker';

const { WorkflowTaskFailedCause } = temporal.api.enums.v1;

describe('a query the server turns away while the workflow task is retried (R7, T5)', () => {
  const { temporalAddress } = stackEnv();
  const taskQueue = `not-ready-${randomUUID().slice(0, 8)}`;
  const projectId = `not-ready-${randomUUID().slice(0, 8)}`;
  let client: Client;
  let closeTemporal: (() => Promise<void>) | undefined;
  let stopWorker: (() => Promise<void>) | undefined;

  before(async () => {
    ({ client, close: closeTemporal } = await connectTemporal(temporalAddress));
  });
  after(async () => {
    await stopWorker?.();
    await client?.workflow.getHandle(integrationWorkflowId(projectId)).terminate('test over').catch(() => undefined);
    await closeTemporal?.();
  });

  /** What a worker whose task failed does: take the workflow's next task and report it failed. */
  async function failNextWorkflowTask(): Promise<number> {
    const { namespace } = client.options;
    for (;;) {
      // A long poll wants a deadline of its own (the server answers empty within a minute).
      const task = await client.connection.withDeadline(Date.now() + 70_000, () =>
        client.workflowService.pollWorkflowTaskQueue({ namespace, taskQueue: { name: taskQueue }, identity: 'test-failing-worker' }));
      if (!task.taskToken?.length) continue; // a long poll that ended empty
      await client.workflowService.respondWorkflowTaskFailed({
        namespace, taskToken: task.taskToken, identity: 'test-failing-worker',
        cause: WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE,
      });
      return task.attempt ?? 0;
    }
  }

  it('is refused with FAILED_PRECONDITION, and readIntegrationState asks again until it answers', { timeout: 120_000 }, async () => {
    const handle = await client.workflow.start(integrationWorkflowV2, {
      workflowId: integrationWorkflowId(projectId), taskQueue, args: [blankIntegrationState(projectId)],
    });
    const attempts = [await failNextWorkflowTask(), await failNextWorkflowTask(), await failNextWorkflowTask()];
    assert.deepEqual(attempts, [1, 2, 3], 'the same task, failed three times');

    const refused = await handle.query(integrationStateQuery).then(() => undefined, (err: unknown) => err);
    assert.ok(refused, 'the query is refused while the task is retried');
    assert.equal(isQueryNotReady(refused), true, `named "not ready": ${String(refused)}`);
    assert.match(grpcStatusOf(refused)?.details ?? '', /Workflow Task in failed state/);

    // A read started now, while refused; the worker comes a second later and runs the task.
    const startedAt = Date.now();
    const read = readIntegrationState(client, projectId).then((state) => ({ state }), (err: unknown) => ({ err }));
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const connection = await NativeConnection.connect({ address: temporalAddress });
    const worker = await Worker.create({ connection, taskQueue, workflowBundle: await workflowBundle(toolWorkerTuning().workflowBundlePath) });
    const running = worker.run();
    stopWorker = async () => {
      worker.shutdown();
      await running.catch(() => undefined);
      await connection.close();
    };
    const answer = await read;
    assert.ok(!('err' in answer), `the read answered: ${'err' in answer ? String(answer.err) : ''}`);
    const { state } = answer;
    assert.equal(state?.projectId, projectId, 'the read answered with the workflow\'s state');
    assert.equal(state?.status, 'active');
    assert.ok(Date.now() - startedAt >= 1_000, 'it answered only after the worker came: it was asked again, not answered at once');
  });

  it('a workflow that never ran is undefined at once, not retried', async () => {
    const startedAt = Date.now();
    assert.equal(await readIntegrationState(client, `never-${randomUUID().slice(0, 8)}`), undefined);
    assert.ok(Date.now() - startedAt < 5_000);
  });
});
