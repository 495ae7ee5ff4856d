/**
 * T2/T4 and R4: a reactivation with a wrong webhook is refused with the portal's reason and
 * changes nothing; `--no-resend` closes parked calls as skipped, visibly; and the secret never
 * shows up in the logs or in workflow history.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { callWorkflowId } from '../../workflows/contract';
import { callEvents } from '../../tools/testkit/call-events';
import { startHarness, type Harness } from '../../tools/testkit/bridge-harness';
import { readIntegrationState } from '../../integration/integration-client';
import { runCli } from '../../tools/testkit/run-cli';
import { waitFor } from '../../tools/testkit/wait-for';


describe('reactivate without resend (T4), refused webhook (T2), secrets (R4)', () => {
  let h: Harness;
  let projectId: string;
  before(async () => {
    h = await startHarness({ projects: [{ id: 'noresend' }] });
    projectId = h.projectIds[0] as string;
  });
  after(async () => h?.stop());

  const countParked = async () => {
    let n = 0;
    for await (const _ of h.bridge.temporal.workflow.list({ query: `ProjectId='${projectId}' AND CallPhase='parked' AND ExecutionStatus='Running'` })) n += 1;
    return n;
  };

  it('refuses a wrong webhook, then closes parked calls as skipped with --no-resend', async () => {
    const oldWebhook = h.config.projects[0]!.bitrix24.webhookUrl;
    const oldSecret = oldWebhook.split('/')[5] as string;
    h.sandbox.admin.revokeWebhook(oldWebhook);
    const calls = [1, 2, 3].map((i) => callEvents({ projectId, clientNumber: `+38050777000${i}`, employee: { staffId: '101' } }));
    await h.publish(calls.flat());
    await waitFor('3 parked calls', async () => (await countParked()) === 3);

    const before = await readIntegrationState(h.bridge.temporal, projectId);
    // A webhook of a user the portal does not know: refused with the portal's own words.
    const wrong = oldWebhook.replace(/\/rest\/1\/[^/]+\//, '/rest/1/notarealsecret000/');
    const refused = await runCli(h, ['reactivate', '--project', projectId, '--webhook-url', wrong]);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /INVALID_CREDENTIALS|credentials/i, 'the portal\'s reason is shown');
    assert.match(refused.stderr, /nothing was changed/);
    assert.deepEqual(await readIntegrationState(h.bridge.temporal, projectId), before, 'credentials state unchanged');
    assert.equal(await countParked(), 3, 'calls still parked');

    const fresh = h.sandbox.admin.createWebhook(projectId, 1);
    // The new webhook comes on stdin, out of the process list.
    const done = await runCli(h, ['reactivate', '--project', projectId, '--webhook-url', '-', '--no-resend'], `${fresh}\n`);
    assert.equal(done.code, 0, done.stderr);
    assert.match(done.stdout, /closed as skipped: 3/);
    for (const events of calls) {
      const result = await h.callResult(projectId, events[0]!.callId);
      assert.equal(result.phase, 'completed');
      assert.equal(result.outcome, 'skipped-not-resent');
    }
    assert.equal(h.sandbox.admin.state(projectId).leads.length, 0, 'nothing written for skipped calls');

    // A call after the reactivation is written with the new webhook.
    const next = callEvents({ projectId, clientNumber: '+380507770009', employee: { staffId: '101' } });
    await h.publish(next);
    assert.ok((await h.callResult(projectId, next[0]!.callId)).createdLeadId);

    // R4: neither secret in the logs, nor in any call's workflow history.
    const freshSecret = fresh.split('/')[5] as string;
    const logs = h.logLines.join('');
    assert.ok(logs.length > 0);
    assert.ok(!logs.includes(oldSecret) && !logs.includes(freshSecret), 'no secret in the logs');
    for (const events of [...calls, next]) {
      // Payloads are bytes: decode them, or a secret in them would be invisible to the search.
      const history = JSON.stringify(
        await h.bridge.temporal.workflow.getHandle(callWorkflowId(projectId, events[0]!.callId)).fetchHistory(),
        (key, value: unknown) => decodedBytes(key, value),
      );
      assert.ok(history.includes('+38050777'), 'payloads were decoded');
      assert.ok(!history.includes(oldSecret) && !history.includes(freshSecret), 'no secret in workflow history');
    }
  });
});

/** Payload bytes as text: raw, as Buffer's `{ type, data }`, or as the base64 of the history's protobuf JSON. */
function decodedBytes(key: string, value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
  if (key === 'data' && typeof value === 'string') return Buffer.from(value, 'base64').toString('utf8');
  const asJson = value as { type?: unknown; data?: unknown } | null;
  if (asJson && asJson.type === 'Buffer' && Array.isArray(asJson.data)) return Buffer.from(asJson.data as number[]).toString('utf8');
  return value;
}
