/** T2–T6: the integration's rules, pure (decisions/reactivation.ts, decisions/integration-summary.ts), and its reactivation's state change. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  configWebhookApplied, integrationSummary, parkedCallsAction, reactivationDoneDetails, reactivationWorkSummary, releasingDetails, resendingDetails,
  supersededMessage,
} from '../../decisions';
import type { IntegrationState, ResendRun } from '../../schemas/workflow-io';
import { recordBroken, recordReactivation } from '../../workflows/integration-state';

const sealed = (data: string) => ({ keyId: 'k', data, iv: 'iv', tag: 'tag' });
const state = (overrides: Partial<IntegrationState> = {}): IntegrationState => ({
  projectId: 'p1', status: 'active', credentialsVersion: 3, lastErrors: [], reactivations: 2, ...overrides,
});
const run = (overrides: Partial<ResendRun> = {}): ResendRun => ({
  credentialsVersion: 3, since: 's', startedAt: 's', resend: true, read: 10, total: 40, calls: 5, resent: 4, alreadyDone: 1,
  skipped: 2, failed: 0, parkedResumed: 0, parkedSkipped: 0, failures: [], ...overrides,
});

void describe('a config change already applied (T6)', () => {
  test('from the config, and the webhook it meant to replace is no longer in the state: applied by another process', () => {
    assert.equal(configWebhookApplied(state({ configWebhook: sealed('new') }), { source: 'config', replacesConfigWebhook: 'old' }), true);
  });
  test('from the config, replacing the webhook still in the state: not applied yet', () => {
    assert.equal(configWebhookApplied(state({ configWebhook: sealed('old') }), { source: 'config', replacesConfigWebhook: 'old' }), false);
    assert.equal(configWebhookApplied(state(), { source: 'config' }), false, 'no config webhook yet, none replaced');
  });
  test('from the CLI: never', () => {
    assert.equal(configWebhookApplied(state({ configWebhook: sealed('new') }), { source: 'cli', replacesConfigWebhook: 'old' }), false);
  });
});

void describe('the parked calls after a reactivation (T3, T4)', () => {
  test('with a resend they resume on the new version; without, they close as skipped', () => {
    assert.deepEqual(parkedCallsAction({ credentialsVersion: 4, resend: true }), { resume: { credentialsVersion: 4 } });
    assert.deepEqual(parkedCallsAction({ credentialsVersion: 4, resend: false }), { skip: { reason: 'reactivated without resend (credentials version 4)' } });
  });
  test('the reactivation workflow says which in its summary', () => {
    assert.equal(reactivationWorkSummary('p1', { credentialsVersion: 4, resend: true }), 'p1: wake parked calls and resend the last 3 days (credentials version 4)');
    assert.equal(reactivationWorkSummary('p1', { credentialsVersion: 4, resend: false }), 'p1: close parked calls as skipped (credentials version 4)');
  });
});

void describe('a reactivation that lost (T2)', () => {
  test('names the version that won, its portal, and the version the loser was made on', () => {
    const message = supersededMessage(state({ credentialsVersion: 5, portal: 'a.bitrix24.ua' }), 4);
    assert.match(message, /^project p1 was reactivated to credentials version 5 on a\.bitrix24\.ua by another request \(this one was made on version 4\): this request changed nothing/);
  });
});

void describe('the integration summary (T6)', () => {
  test('active, with its version and portal', () => {
    assert.equal(integrationSummary(state({ portal: 'a.bitrix24.ua' })), 'p1: active, credentials version 3 on a.bitrix24.ua');
  });
  test('broken, with since when and why', () => {
    assert.equal(integrationSummary(state({ status: 'broken', brokenSince: 't', brokenReason: 'BitrixTokenInvalid: gone' })),
      'p1: BROKEN since t: BitrixTokenInvalid: gone — reactivate from the CLI');
  });
  test('a resend in progress, or else the last one', () => {
    assert.equal(integrationSummary(state({ resend: run() })), 'p1: active, credentials version 3; resend in progress: 10/40 events, 4 calls resent');
    assert.equal(integrationSummary(state({ lastResend: run({ finishedAt: 'f' }) })),
      'p1: active, credentials version 3; last resend f: resent 4, already done 1, skipped 2, failed 0');
  });
});

void describe('the reactivation\'s state change, twin of recordBroken', () => {
  test('a broken integration reactivated: the next version, its webhook and portal, active again', () => {
    const s = state();
    recordBroken(s, { at: 't', type: 'BitrixTokenInvalid', message: 'gone', credentialsVersion: 3 });
    assert.equal(s.status, 'broken');
    recordReactivation(s, { webhook: sealed('w'), source: 'cli' }, 'b.bitrix24.ua');
    assert.deepEqual({ ...s, lastErrors: [] }, {
      ...state(), credentialsVersion: 4, webhook: sealed('w'), portal: 'b.bitrix24.ua', status: 'active', brokenSince: undefined, brokenReason: undefined, reactivations: 3,
    });
  });
  test('from the config, the config\'s webhook is the new one too', () => {
    const s = state();
    recordReactivation(s, { webhook: sealed('w'), source: 'config' }, 'b.bitrix24.ua');
    assert.deepEqual(s.configWebhook, sealed('w'));
  });
});

void describe('what the reactivation workflow shows while it works (T3, T4)', () => {
  test('T3, T4: waking the parked calls, or closing them as skipped', () => {
    assert.equal(releasingDetails('p1', true), 'p1: waking parked calls');
    assert.equal(releasingDetails('p1', false), 'p1: closing parked calls as skipped');
  });
  test('T3: resending, after how many parked calls woke', () => {
    assert.equal(resendingDetails('p1', 7), 'p1: 7 parked calls woken; resending events since the window start');
  });
  test('T3–T5: done, with what became of the parked calls and the resend', () => {
    assert.equal(reactivationDoneDetails('p1', run({ parkedResumed: 7, inProgress: 1 })),
      'p1: done — resumed 7, skipped 0; resent 4, already done 1, in progress 1, failed 0');
    assert.equal(reactivationDoneDetails('p1', run()), 'p1: done — resumed 0, skipped 0; resent 4, already done 1, in progress 0, failed 0');
  });
});
