/**
 * T1 at the last step (issue 16): a live call resolved at call.answered writes its record after
 * call.ended in a quick local try. When the token dies between the answer and the end, that try
 * fails and the call's completeCall activity takes over: it parks the call the way every activity
 * does — its workflow's priority lowered to the backlog's, so that after a reactivation its tasks
 * queue behind live calls (activities/parking-priority.ts).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CallEvent } from '../../schemas/call-event';
import { callEvents } from '../../tools/testkit/call-events';
import { startHarness, type Harness } from '../../tools/testkit/bridge-harness';
import { callPhase, crmFor, waitFor, CALL_TIMEOUT_MS } from '../../tools/testkit/crm-assert';
import { BACKLOG_PRIORITY, callWorkflowId } from '../../workflows/contract';

describe('a live call whose token dies between its answer and its end (T1, issue 16)', () => {
  let h: Harness;
  let projectId: string;

  before(async () => {
    h = await startHarness({ projects: [{ id: 'park-at-end' }] });
    projectId = h.projectIds[0] as string;
  });
  after(async () => {
    await h?.stop();
  });

  it('parks through its completeCall activity, at backlog priority', async () => {
    const clientNumber = '+380507770001';
    const [ringing, answered, ended] = callEvents({ projectId, clientNumber, employee: { staffId: '101' } }) as [CallEvent, CallEvent, CallEvent];
    await h.publish([ringing, answered]);
    await waitFor('the lead after call.answered', () => crmFor(h, projectId, clientNumber).leads[0], CALL_TIMEOUT_MS);

    h.sandbox.admin.revokeWebhook(h.config.projects[0]!.bitrix24.webhookUrl);
    await h.publish(ended);
    await waitFor('the call parked', async () => (await callPhase(h, projectId, ringing.callId)) === 'parked', CALL_TIMEOUT_MS);

    const handle = h.bridge.temporal.workflow.getHandle(callWorkflowId(projectId, ringing.callId));
    const description = await handle.describe();
    assert.equal(description.raw.workflowExecutionInfo?.priority?.priorityKey, BACKLOG_PRIORITY.priorityKey, 'the parked call runs at backlog priority');
    const history = await handle.fetchHistory();
    const activities = (history.events ?? []).flatMap((e) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? []);
    assert.deepEqual(activities, ['resolveClient', 'completeCall'], 'the failed local try handed the tasks to the completeCall activity');
    assert.equal(crmFor(h, projectId, clientNumber).tasks.length, 0, 'nothing written while the token is invalid');
  });
});
