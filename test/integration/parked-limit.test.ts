/**
 * T1 with issue 15's parking: a parked call looks at the credentials when it parks, then waits
 * with no hourly look (its one timer runs to the safety look or the limit, whichever is sooner),
 * and closes as `parked-too-long` after PARKED_CALL_LIMIT_MS with its reason in the result, the
 * UI summary and `status`; nothing is written to Bitrix24 for it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { temporal as proto } from '@temporalio/proto';
import { callWorkflowId } from '../../workflows/contract';
import { callEvents } from '../../tools/testkit/call-events';
import { startHarness, type Harness } from '../../tools/testkit/bridge-harness';
import { runCli } from '../../tools/testkit/run-cli';

const LIMIT_MS = 8_000;
// Read by the harness's worker (tools/testkit/worker-tuning.ts); this file runs in its own process.
process.env.PARKED_CALL_LIMIT_MS = String(LIMIT_MS);

describe('a call parked past its limit closes as parked-too-long (T1, issue 15)', () => {
  let h: Harness;
  let projectId: string;

  before(async () => {
    h = await startHarness({ projects: [{ id: 'limit' }] });
    projectId = h.projectIds[0] as string;
  });
  after(async () => {
    await h?.stop();
  });

  it('parks, looks once, waits without hourly wake-ups, closes with its reason; status counts it', { timeout: 180_000 }, async () => {
    h.sandbox.admin.revokeWebhook(h.config.projects[0]!.bitrix24.webhookUrl);
    const events = callEvents({ projectId, clientNumber: '+380507770001', employee: { staffId: '101' } });
    await h.publish(events);
    const result = await h.callResult(projectId, events[0]!.callId, 120_000);

    assert.equal(result.phase, 'completed');
    assert.equal(result.outcome, 'parked-too-long');
    const reason = result.failures.find((f) => f.step === 'parked');
    assert.match(reason?.message ?? '', /parked .* days with no reactivation/);
    assert.equal(h.sandbox.admin.state(projectId).leads.length, 0, 'nothing written for it');

    const handle = h.bridge.temporal.workflow.getHandle(callWorkflowId(projectId, events[0]!.callId));
    const history = await handle.fetchHistory();
    const types = proto.api.enums.v1.EventType;
    const timers = (history.events ?? []).filter((e) => e.eventType === types.EVENT_TYPE_TIMER_STARTED)
      .map((e) => Number(e.timerStartedEventAttributes?.startToFireTimeout?.seconds ?? 0));
    // The idle timer (2 h) and the parked wait's one timer, capped by the limit: no 1-hour look.
    assert.ok(timers.every((s) => s !== 3600), `no hourly look: timers ${timers.join(', ')} s`);
    assert.ok(timers.some((s) => s > 0 && s <= LIMIT_MS / 1000), `the parked wait runs to the limit: timers ${timers.join(', ')} s`);
    // Local activities' markers only: each patch the call passes leaves a marker of its own, which is no wake-up.
    const markers = (history.events ?? []).filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity').length;
    assert.ok(markers <= 4, `a handful of local activities, not one per hour: ${markers} local-activity markers`);
    // The UI's current details of the call (the workflow's own metadata query) say how it ended.
    const metadata = await handle.query<{ currentDetails?: string }>('__temporal_workflow_metadata');
    assert.match(metadata.currentDetails ?? '', /parked-too-long/);

    const status = await runCli(h, ['status', '--project', projectId, '--json']);
    const report = JSON.parse(status.stdout) as { projects: Array<{ calls: { parkedTooLong: number } }> };
    assert.equal(report.projects[0]?.calls.parkedTooLong, 1, `status counts it: ${status.stdout.slice(0, 400)}`);
    const human = await runCli(h, ['status', '--project', projectId]);
    assert.match(human.stdout, /parked too long 1 calls/);
  });
});
