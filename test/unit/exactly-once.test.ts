/**
 * Issue 16 items 2 and 6, the pure parts: the reactivate update's id (T2: deterministic, no
 * secret in it), the round-robin draws kept by id (S4.2), and how a call that gave up reads
 * (its outcome and UI summary, R3/B4).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ActivityFailure, ApplicationFailure, TimeoutFailure } from '@temporalio/common';
import { callSummary, finalOutcome, roundRobinPosition } from '../../decisions';
import { reactivationUpdateId } from '../../integration/integration-client';
import { createSecretBox, newSecretKey, parseSecretKeys } from '../../integration/secret-box';
import { blankIntegrationState } from '../../integration/integration-client';
import { retriesExhausted, wasRetryable } from '../../workflows/activity-failure';
import { drawRoundRobin, KEPT_DRAWS } from '../../workflows/integration-state';
import { callEvents } from '../../tools/testkit/call-events';

const webhookUrl = 'https://portal.example/rest/1/s3cretk3yabcdef12/';

describe('the reactivate update id (T2)', () => {
  const key = newSecretKey();
  const box = () => createSecretBox(parseSecretKeys(key));
  const change = { basedOn: 4, source: 'cli' as const, resend: true, webhookUrl };

  it('is the same for the same change in any process holding the key', () => {
    assert.equal(reactivationUpdateId(box(), 'p1', change), reactivationUpdateId(box(), 'p1', change));
    assert.match(reactivationUpdateId(box(), 'p1', change), /^reactivate:p1:on-v4:cli:resend:[0-9a-f]{16}$/);
  });

  it('differs for a different webhook, version, resend choice or source', () => {
    const id = reactivationUpdateId(box(), 'p1', change);
    for (const other of [
      { ...change, webhookUrl: webhookUrl.replace('s3cret', 'other') }, { ...change, basedOn: 5 },
      { ...change, resend: false }, { ...change, source: 'config' as const },
    ]) assert.notEqual(reactivationUpdateId(box(), 'p1', other), id);
  });

  it('holds no secret: not the webhook, not its key part, not an unkeyed hash of it', async () => {
    const id = reactivationUpdateId(box(), 'p1', change);
    assert.ok(!id.includes('s3cretk3yabcdef12') && !id.includes('portal.example'));
    const { createHash } = await import('node:crypto');
    for (const algorithm of ['sha256', 'sha1', 'md5']) {
      assert.ok(!id.includes(createHash(algorithm).update(webhookUrl).digest('hex').slice(0, 16)), `no plain ${algorithm}`);
    }
    // Another deployment's key gives another fingerprint: the id reveals nothing without the key.
    assert.notEqual(reactivationUpdateId(createSecretBox(parseSecretKeys(newSecretKey())), 'p1', change), id);
  });
});

describe('round-robin draws by id (S4.2)', () => {
  it('a draw retried by id gets its first answer and moves the rotation once', () => {
    const state = blankIntegrationState('p1');
    const a = drawRoundRobin(state, 'round-robin:a', 3, roundRobinPosition);
    const b = drawRoundRobin(state, 'round-robin:b', 3, roundRobinPosition);
    assert.equal(drawRoundRobin(state, 'round-robin:a', 3, roundRobinPosition), a);
    assert.notEqual(a, b);
    assert.equal(state.roundRobin, 2);
    // What continue-as-new carries (the state) keeps answering.
    const next = structuredClone(state);
    assert.equal(drawRoundRobin(next, 'round-robin:b', 3, roundRobinPosition), b);
    assert.equal(next.roundRobin, 2);
  });

  it('keeps a bounded number of draws', () => {
    const state = blankIntegrationState('p1');
    for (let i = 0; i < KEPT_DRAWS + 50; i += 1) drawRoundRobin(state, `round-robin:${i}`, 3, roundRobinPosition);
    assert.equal(state.roundRobinDraws?.length, KEPT_DRAWS);
    assert.equal(state.roundRobinDraws?.[0]?.id, 'round-robin:50');
  });

  it('a draw without an id always moves the rotation', () => {
    const state = blankIntegrationState('p1');
    drawRoundRobin(state, undefined, 3, roundRobinPosition);
    drawRoundRobin(state, undefined, 3, roundRobinPosition);
    assert.equal(state.roundRobin, 2);
    assert.equal(state.roundRobinDraws, undefined);
  });
});

describe('work given up when its retries ran out (R3, B4)', () => {
  const activityFailure = (retryState: 'TIMEOUT' | 'MAXIMUM_ATTEMPTS_REACHED' | 'NON_RETRYABLE_FAILURE', cause: Error) =>
    new ActivityFailure('activity failed', 'resolveClient', '1', retryState, 'worker', cause);

  it('names the 24 h deadline or the last attempt, and nothing else', () => {
    const deadline = new TimeoutFailure('timed out', undefined, 'SCHEDULE_TO_CLOSE');
    Object.assign(deadline, { cause: new Error('portal 503') });
    assert.match(retriesExhausted(activityFailure('TIMEOUT', deadline)) ?? '', /schedule-to-close timeout passed .*last failure: portal 503/);
    assert.match(retriesExhausted(activityFailure('MAXIMUM_ATTEMPTS_REACHED', new Error('store down'))) ?? '', /after its last retry: store down/);
    assert.equal(retriesExhausted(activityFailure('NON_RETRYABLE_FAILURE', ApplicationFailure.nonRetryable('bad', 'BitrixBadRequest'))), undefined);
    assert.equal(retriesExhausted(new Error('plain')), undefined);
  });

  it('tells a local failure retries could not help (non-retryable) from one whose attempts ran out', () => {
    assert.equal(wasRetryable(activityFailure('NON_RETRYABLE_FAILURE', ApplicationFailure.nonRetryable('gone', 'X')), []), false);
    assert.equal(wasRetryable(activityFailure('NON_RETRYABLE_FAILURE', ApplicationFailure.create({ message: 'no', type: 'ProjectUnknown' })), ['ProjectUnknown']), false);
    assert.equal(wasRetryable(activityFailure('MAXIMUM_ATTEMPTS_REACHED', ApplicationFailure.create({ message: 'down', type: 'Error' })), ['ProjectUnknown']), true);
  });

  it('gives the call the outcome retries-exhausted, and its summary names the step', () => {
    const failures = [{ step: 'resolve-client', type: 'StepTimedOut', message: 'gave up: …' }];
    assert.equal(finalOutcome({ outcome: 'lead-created' }, failures), 'retries-exhausted');
    assert.equal(finalOutcome(undefined, [{ step: 'settings', type: 'ProjectUnknown', message: 'x' }]), 'failed');
    assert.equal(finalOutcome({ outcome: 'lead-created' }, []), 'lead-created');
    const events = callEvents({ projectId: 'p1', clientNumber: '+380501112233', employee: { staffId: '101' } });
    const summary = callSummary(events, 'completed', { outcome: 'retries-exhausted', crm: {}, taskIds: {}, failures });
    assert.match(summary, /: retries-exhausted — resolve-client failed: StepTimedOut$/);
    assert.equal(callSummary([], 'completed', { outcome: 'retries-exhausted', crm: {}, taskIds: {}, failures }), 'call, completed: retries-exhausted — resolve-client failed: StepTimedOut');
    assert.match(callSummary(events, 'completed', { outcome: 'task-on-existing', crm: {}, taskIds: {}, failures: [], closedIdleAfterMs: 7_200_000 }),
      /: task-on-existing — closed after 2 h with no event \(no call\.ended\)$/);
  });
});
