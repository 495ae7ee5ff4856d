/**
 * T2 (issue 16, item 2): a change to an integration applies exactly once. The same reactivation
 * fired from two CLI processes at once is one change — one credentials version, one resend, both
 * told the same version. Two different reactivations at once: one wins, the other is refused
 * with the reason (the version that won) and changes nothing. The portal's webhook check is made
 * slow, so both requests are in flight together, as two operators or two hosts would be.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ensureIntegration } from '../../integration/ensure-integration';
import { readIntegrationState } from '../../integration/integration-client';
import { createSecretBox, parseSecretKeys } from '../../integration/secret-box';
import { createLogger } from '../../platform/logger';
import { callEvents } from '../../tools/testkit/call-events';
import { startHarness, type Harness } from '../../tools/testkit/bridge-harness';
import { runCli } from '../../tools/testkit/run-cli';
import { waitFor } from '../../tools/testkit/wait-for';

/** Longer than the two CLI processes need to start and read the state: both requests are made on the same version. */
const CHECK_LATENCY_MS = 8000;

describe('a reactivation applies exactly once (T2)', () => {
  let h: Harness;
  let projectId: string;
  before(async () => {
    h = await startHarness({ projects: [{ id: 'once' }] });
    projectId = h.projectIds[0] as string;
  });
  after(async () => h?.stop());

  const reactivationRuns = async (): Promise<string[]> => {
    const ids: string[] = [];
    for await (const w of h.bridge.temporal.workflow.list({ query: `WorkflowId STARTS_WITH 'reactivation:${projectId}:'` })) ids.push(w.workflowId);
    return ids.sort();
  };
  const state = async () => {
    const s = await readIntegrationState(h.bridge.temporal, projectId);
    assert.ok(s, 'the integration workflow runs');
    return s;
  };
  const reactivate = (webhook: string) => runCli(h, ['--timeout', '60', 'reactivate', '--project', projectId, '--webhook-url', '-', '--json'], `${webhook}\n`);
  const resendsFinished = async (count: number) => waitFor(`${count} reactivation runs finished`, async () => {
    let done = 0;
    for await (const w of h.bridge.temporal.workflow.list({ query: `WorkflowId STARTS_WITH 'reactivation:${projectId}:' AND ExecutionStatus='Completed'` })) done += w.workflowId ? 1 : 0;
    return done === count;
  });

  it('the same reactivation from two processes at once: one version, one resend', async () => {
    // Two calls written before: the resend finds their events, and must count each once.
    const calls = [1, 2].map((i) => callEvents({ projectId, clientNumber: `+38050661000${i}`, employee: { staffId: '101' } }));
    await h.publish(calls.flat());
    for (const events of calls) assert.ok((await h.callResult(projectId, events[0]!.callId)).createdLeadId);

    const before = await state();
    const fresh = h.sandbox.admin.createWebhook(projectId, 1);
    h.sandbox.admin.setFaults(projectId, [{ method: 'user.get', latencyMs: CHECK_LATENCY_MS }]);
    const [a, b] = await Promise.all([reactivate(fresh), reactivate(fresh)]);
    h.sandbox.admin.setFaults(projectId, []);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);

    const version = before.credentialsVersion + 1;
    for (const run of [a, b]) {
      const printed = JSON.parse(run.stdout) as { credentialsVersion: number; calls: number };
      assert.equal(printed.credentialsVersion, version, 'both senders are told the one version');
    }
    await resendsFinished(1);
    const after = await state();
    assert.equal(after.credentialsVersion, version, 'one credentials version');
    assert.equal(after.reactivations, before.reactivations + 1);
    assert.deepEqual(await reactivationRuns(), [`reactivation:${projectId}:${version}`], 'one resend');
    assert.equal(after.lastResend?.credentialsVersion, version);
    assert.equal((after.lastResend?.resent ?? 0) + (after.lastResend?.alreadyDone ?? 0), 2, 'each call counted once');
    // The update id carries no secret: not the webhook, not its key part.
    const secret = fresh.split('/')[5] as string;
    const history = JSON.stringify(await h.bridge.temporal.workflow.getHandle(`integration:${projectId}`).fetchHistory());
    assert.ok(history.includes(`reactivate:${projectId}:on-v${before.credentialsVersion}:cli:`), 'the deterministic update id is in the history');
    assert.ok(!history.includes(secret), 'no secret in the integration history');
  });

  it('two different reactivations at once: one wins, the other is told why and changes nothing', async () => {
    const before = await state();
    const [first, second] = [h.sandbox.admin.createWebhook(projectId, 1), h.sandbox.admin.createWebhook(projectId, 7)];
    h.sandbox.admin.setFaults(projectId, [{ method: 'user.get', latencyMs: CHECK_LATENCY_MS }]);
    const runs = await Promise.all([reactivate(first), reactivate(second)]);
    h.sandbox.admin.setFaults(projectId, []);

    const won = runs.filter((r) => r.code === 0);
    const lost = runs.filter((r) => r.code !== 0);
    assert.equal(won.length, 1, runs.map((r) => r.stderr).join('\n'));
    assert.equal(lost.length, 1);
    const version = before.credentialsVersion + 1;
    assert.equal(lost[0]!.code, 1);
    assert.match(lost[0]!.stderr, new RegExp(`reactivated to credentials version ${version} .*by another request`));
    assert.match(lost[0]!.stderr, /changed nothing/);

    await resendsFinished(2);
    const after = await state();
    assert.equal(after.credentialsVersion, version, 'one new credentials version');
    assert.equal(after.reactivations, before.reactivations + 1);
    assert.deepEqual(await reactivationRuns(), [`reactivation:${projectId}:${version - 1}`, `reactivation:${projectId}:${version}`], 'one more resend');

    // The winner's webhook is the one in use: with the loser's revoked, a new call is still written (it would park otherwise).
    h.sandbox.admin.revokeWebhook(runs[0]!.code === 0 ? second : first);
    const next = callEvents({ projectId, clientNumber: '+380506610009', employee: { staffId: '101' } });
    await h.publish(next);
    assert.ok((await h.callResult(projectId, next[0]!.callId)).createdLeadId, 'written with the winner\'s webhook');
    assert.equal((await state()).status, 'active');
  });

  it('a changed config file adopted by two starting workers at once: one version (T6)', async () => {
    const before = await state();
    await resendsFinished(2);
    const changed = { ...h.config.projects[0]!, bitrix24: { ...h.config.projects[0]!.bitrix24, webhookUrl: h.sandbox.admin.createWebhook(projectId, 1) } };
    h.sandbox.admin.setFaults(projectId, [{ method: 'user.get', latencyMs: CHECK_LATENCY_MS }]);
    // Two processes: each its own secret box from the same BRIDGE_SECRET_KEY, as two workers have.
    const start = () => ensureIntegration(changed, {
      temporal: h.bridge.temporal, secrets: createSecretBox(parseSecretKeys(h.secretKey)), logger: createLogger({ level: 'silent' }),
    });
    const outcomes = await Promise.all([start(), start()]);
    h.sandbox.admin.setFaults(projectId, []);
    // The same update id from both: Temporal ran it once, and both were told it was accepted.
    assert.deepEqual(outcomes, ['config-webhook-accepted', 'config-webhook-accepted']);
    await resendsFinished(3);
    const after = await state();
    assert.equal(after.credentialsVersion, before.credentialsVersion + 1, 'one credentials version');
    assert.equal((await reactivationRuns()).length, 3, 'one more resend');
    // A third worker starting later finds the config's webhook in use.
    assert.equal(await start(), 'unchanged');
  });
});
