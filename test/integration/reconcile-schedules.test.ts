/**
 * B7 (issue 16, item 6): the reconciliation schedules follow the config — a project removed
 * from it leaves no schedule behind (its runs would fail every few minutes forever), while a
 * schedule of another deployment (another task queue) in the same namespace is left alone.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { ScheduleNotFoundError } from '@temporalio/client';
import { ensureReconcileSchedules } from '../../ringostat/reconcile-schedules';
import { bridgeConfigSchema, type BridgeConfig } from '../../schemas/project-config';
import { reconcileScheduleId } from '../../workflows/contract';
import { connectTemporal, projectConfig } from '../../tools/testkit/bridge-process';
import { stackEnv } from '../../tools/testkit/stack-env';
import { waitFor } from '../../tools/testkit/wait-for';

const suffix = randomUUID().slice(0, 8);
const ringostat = (n: number) => ({ apiKey: `rs-test-key-${n}`, projectId: String(n), baseUrl: 'http://127.0.0.1:9', reconcileEvery: '5m' });
const config = (ids: string[]): BridgeConfig => bridgeConfigSchema.parse({
  projects: ids.map((id, i) => projectConfig(id, `https://portal-${suffix}.example/rest/1/secret${i}abcdefgh/`, { ringostat: ringostat(1000 + i) })),
});

describe('reconciliation schedules of removed projects (B7)', () => {
  let temporal: Awaited<ReturnType<typeof connectTemporal>>;
  const [kept, removed, elsewhere] = ['kept', 'removed', 'elsewhere'].map((name) => `${name}-${suffix}`) as [string, string, string];
  const queue = `reconcile-${suffix}`;
  before(async () => { temporal = await connectTemporal(stackEnv().temporalAddress); });
  after(async () => {
    for (const id of [kept, removed, elsewhere]) await temporal.client.schedule.getHandle(reconcileScheduleId(id)).delete().catch(() => undefined);
    await temporal?.close();
  });

  const exists = (projectId: string) => temporal.client.schedule.getHandle(reconcileScheduleId(projectId)).describe().then(() => true, (err: unknown) => {
    if (err instanceof ScheduleNotFoundError) return false;
    throw err;
  });

  it('deletes the schedule of a project no longer in the config, and only this deployment\'s', async () => {
    const first = await ensureReconcileSchedules(temporal.client, config([kept, removed]), { taskQueue: queue });
    assert.deepEqual(first.ensured.sort(), [reconcileScheduleId(kept), reconcileScheduleId(removed)].sort());
    // Another deployment in the namespace, on its own task queue.
    await ensureReconcileSchedules(temporal.client, config([elsewhere]), { taskQueue: `${queue}-other` });

    // Listing schedules lags a little behind their creation: a worker starting later sees them.
    const deleted = await waitFor('the removed project\'s schedule to be deleted', async () => {
      const { ensured, deleted: gone } = await ensureReconcileSchedules(temporal.client, config([kept]), { taskQueue: queue });
      assert.deepEqual(ensured, [reconcileScheduleId(kept)]);
      return gone.includes(reconcileScheduleId(removed)) ? gone : undefined;
    });
    assert.ok(!deleted.includes(reconcileScheduleId(elsewhere)), 'another task queue\'s schedule is not ours');
    assert.equal(await exists(removed), false, 'removed project: no schedule');
    assert.equal(await exists(kept), true, 'configured project: its schedule stays');
    assert.equal(await exists(elsewhere), true, 'another deployment\'s schedule stays');
  });
});
