/**
 * T3 at volume (issue 15): what the resend does with a call's event, from its workflow's state,
 * and that what it remembers per call stays bounded however many calls the window holds.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { callVerdicts, REMEMBERED, verdictOf } from '../../dispatcher/call-verdict';

const cutoff = Date.parse('2026-12-01T10:00:00Z');
const before = new Date(cutoff - 1);
const after = new Date(cutoff + 1);

describe('resend verdicts (T3)', () => {
  it('a completed call is done: before the resend already done, since it done by the resend', () => {
    assert.equal(verdictOf('COMPLETED', before, cutoff), 'already-done');
    assert.equal(verdictOf('COMPLETED', after, cutoff), 'done-by-resend');
  });

  it('a call running since before the resend has its events: in progress, not signalled', () => {
    assert.equal(verdictOf('RUNNING', before, cutoff), 'in-progress');
  });

  it('a call started since the resend began may be its own: it gets the event', () => {
    assert.equal(verdictOf('RUNNING', after, cutoff), 'deliver');
  });

  it('a failed, terminated or timed-out call gets the event (it starts again)', () => {
    for (const status of ['FAILED', 'TERMINATED', 'TIMED_OUT', 'CANCELLED']) assert.equal(verdictOf(status, before, cutoff), 'deliver', status);
  });

  it('remembers at most REMEMBERED calls, one describe per remembered call', async () => {
    let describes = 0;
    const started = new Date(Date.now() - 3_600_000);
    const temporal = {
      workflow: {
        getHandle: (workflowId: string) => ({
          describe: async () => {
            describes += 1;
            if (workflowId.endsWith('-lost')) throw new WorkflowNotFoundError('not found', workflowId, undefined);
            return { status: { name: 'RUNNING' }, startTime: started };
          },
        }),
      },
    } as unknown as Client;
    const verdicts = callVerdicts(temporal, new Date());
    const calls = REMEMBERED + 5_000;
    for (let i = 0; i < calls; i += 1) assert.equal(await verdicts.of('p', `c${i}`), 'in-progress');
    assert.equal(describes, calls);
    assert.equal(verdicts.remembered, REMEMBERED, 'bounded');
    // The last call's next events cost nothing more.
    await verdicts.of('p', `c${calls - 1}`);
    assert.equal(describes, calls);
    // A lost call is described once; its next events go to the workflow its first one started.
    assert.equal(await verdicts.of('p', 'x-lost'), 'deliver');
    assert.equal(await verdicts.of('p', 'x-lost'), 'deliver');
    assert.equal(describes, calls + 1);
  });
});
