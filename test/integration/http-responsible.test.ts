/**
 * Smart forwarding (F1–F3, P5 shape) against the Bitrix24 sandbox, through the real client,
 * createBitrixSessions and the credential store: owner lookup by phone variants (B1), F3's
 * inactive / unlinked owners, injected latency answered "none" within the deadline while the
 * cache warms, a revoked webhook, and a project marked broken.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createBitrixSessions } from '../../integration/bitrix-sessions';
import { createResponsibleResolver, type ResponsibleResolver } from '../../http/routing/responsible-resolver';
import { buildHttpServer } from '../../http/http-app';
import type { CredentialsCache, ProjectCredentials } from '../../integration/credentials-cache';
import { createLogger } from '../../platform/logger';
import { startSandbox, type Sandbox } from '../../tools/sandbox';
import { bridgeConfigSchema, type BridgeConfig } from '../../schemas/project-config';

const TOKEN = 'routing-token-0123456789';
const logger = createLogger({ level: 'error' });
const phone = (value: string) => [{ VALUE: value, VALUE_TYPE: 'WORK' }];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

void describe('responsible resolver against the sandbox (F1–F3)', () => {
  let sb: Sandbox;
  let n = 0;

  before(async () => {
    sb = await startSandbox();
  });
  after(async () => {
    await sb?.stop();
  });

  /** A fresh portal, project and resolver: tests never share a cache or a webhook. */
  function world(deadlineMs = 1500): { portalId: string; projectId: string; webhookUrl: string; config: BridgeConfig; credentials: CredentialsCache; resolver: ResponsibleResolver } {
    n += 1;
    const portalId = `routing-${process.pid}-${n}`;
    sb.admin.createPortal({
      id: portalId,
      users: [
        { id: 1, name: 'Admin' },
        { id: 7, name: 'Olena', extension: '101' },
        { id: 8, name: 'Petro', extension: '102', active: false },
        { id: 9, name: 'Ivan' },
      ],
      rateLimit: { enabled: false, perSecond: 2, burst: 50 },
    });
    const webhookUrl = sb.admin.createWebhook(portalId, 1);
    const projectId = `p${n}`;
    const config = bridgeConfigSchema.parse({
      projects: [{
        id: projectId, defaultCountry: 'UA', bitrix24: { webhookUrl }, seniorManager: 1, ingestToken: TOKEN,
        employees: [
          { code: '101', name: 'Olena', bitrix24UserId: 7, extension: '101', sip: ['olena_sip'], phones: ['+380671112233'] },
          { code: '102', name: 'Petro', bitrix24UserId: 8, extension: '102', phones: ['+380501112233'] },
        ],
      }],
    });
    const credentials = configCredentials(config);
    const resolver = createResponsibleResolver({
      config, deadlineMs, logger,
      sessions: createBitrixSessions({ credentials, logger }),
      integrationStatus: async (id) => (await credentials.current(id)).status,
      statusTtlMs: 0,
    });
    return { portalId, projectId, webhookUrl, config, credentials, resolver };
  }

  void it('an open lead stored as "093 123 45 67" routes a +380931234567 call to its owner; then from the cache', async () => {
    const w = world();
    const leadId = sb.admin.seed(w.portalId, 'lead', { TITLE: 'web form', PHONE: phone('093 123 45 67'), ASSIGNED_BY_ID: 7 });
    const first = await w.resolver.resolve(w.projectId, '+380931234567');
    assert.deepEqual([first.result, first.destination, first.matched, first.cached], ['matched', 'olena_sip', { entity: 'lead', id: leadId }, false]);
    const requests = sb.admin.requestLog(w.portalId).length;
    const warm = await w.resolver.resolve(w.projectId, '380931234567');
    assert.deepEqual([warm.result, warm.cached], ['matched', true]);
    assert.equal(sb.admin.requestLog(w.portalId).length, requests, 'a warm answer asks Bitrix24 nothing');
  });

  void it('through the HTTP endpoint: JSON and format=text', async () => {
    const w = world();
    sb.admin.seed(w.portalId, 'contact', { NAME: 'Iryna', PHONE: phone('+380931110000'), ASSIGNED_BY_ID: 7 });
    const app = buildHttpServer({ config: w.config, producer: { send: async () => [] }, topic: 'unused', responsible: w.resolver, logger });
    const text = await app.inject({ method: 'GET', url: `/v1/projects/${w.projectId}/responsible?token=${TOKEN}&phone=%2B380931110000&format=text` });
    assert.deepEqual([text.statusCode, text.body], [200, 'olena_sip']);
    const json = await app.inject({ method: 'GET', url: `/v1/projects/${w.projectId}/responsible?token=${TOKEN}&phone=0931110000` });
    assert.equal((json.json() as { employee: { code: string } }).employee.code, '101');
    const none = await app.inject({ method: 'GET', url: `/v1/projects/${w.projectId}/responsible?token=${TOKEN}&phone=0939999999&format=text` });
    assert.deepEqual([none.statusCode, none.body, none.headers['x-routing-result']], [200, '', 'not-found']);
    await app.close();
  });

  void it('an open deal of the caller\'s contact wins over the contact (lead → deal → contact)', async () => {
    const w = world();
    const contact = sb.admin.seed(w.portalId, 'contact', { NAME: 'Taras', PHONE: phone('+380931112222'), ASSIGNED_BY_ID: 9 });
    const deal = sb.admin.seed(w.portalId, 'deal', { TITLE: 'sofa', CONTACT_ID: contact, ASSIGNED_BY_ID: 7 });
    const answer = await w.resolver.resolve(w.projectId, '+380931112222');
    assert.deepEqual([answer.result, answer.matched], ['matched', { entity: 'deal', id: deal }]);
  });

  void it('F3: an inactive owner, and an owner linked to no employee, give none', async () => {
    const w = world();
    sb.admin.seed(w.portalId, 'lead', { TITLE: 'a', PHONE: phone('+380931113333'), ASSIGNED_BY_ID: 8 });
    sb.admin.seed(w.portalId, 'lead', { TITLE: 'b', PHONE: phone('+380931114444'), ASSIGNED_BY_ID: 9 });
    const inactive = await w.resolver.resolve(w.projectId, '+380931113333');
    assert.deepEqual([inactive.result, inactive.employee, inactive.destination], ['owner-inactive', null, null]);
    const unlinked = await w.resolver.resolve(w.projectId, '+380931114444');
    assert.deepEqual([unlinked.result, unlinked.employee, unlinked.destination], ['owner-not-employee', null, null]);
  });

  void it('Bitrix24 3 s slow: none within the 1.5 s deadline, and the lookup goes on to warm the cache (F2)', async () => {
    const w = world(1500);
    sb.admin.seed(w.portalId, 'lead', { TITLE: 'slow', PHONE: phone('+380931115555'), ASSIGNED_BY_ID: 7 });
    sb.admin.setFaults(w.portalId, [{ latencyMs: 3000 }]);
    const started = Date.now();
    const cold = await w.resolver.resolve(w.projectId, '+380931115555');
    const elapsed = Date.now() - started;
    assert.deepEqual([cold.result, cold.employee, cold.destination], ['timeout', null, null]);
    assert.ok(elapsed >= 1400, `waited for the deadline (${elapsed} ms)`);
    // Generous upper bound: this 2-core machine is shared; the point is "not 3 s, not a hang".
    assert.ok(elapsed < 2500, `answered near the deadline, not after Bitrix24 (${elapsed} ms)`);

    // Two batch requests and a user.get at 3 s each: the background lookup lands within ~10 s.
    const deadline = Date.now() + 20_000;
    let warm = cold;
    while (warm.result !== 'matched' && Date.now() < deadline) {
      await sleep(1000);
      warm = await w.resolver.resolve(w.projectId, '+380931115555');
    }
    assert.equal(warm.result, 'matched', 'the slow lookup finished in the background and was cached');
    const quick = Date.now();
    const again = await w.resolver.resolve(w.projectId, '+380931115555');
    assert.deepEqual([again.result, again.cached], ['matched', true]);
    assert.ok(Date.now() - quick < 100, 'the warm answer does not wait for the slow portal');
    sb.admin.setFaults(w.portalId, []);
  });

  void it('a revoked webhook answers none quickly, and the portal is not asked again at every ring', async () => {
    const w = world();
    sb.admin.seed(w.portalId, 'lead', { TITLE: 'r', PHONE: phone('+380931116666'), ASSIGNED_BY_ID: 7 });
    sb.admin.revokeWebhook(w.webhookUrl);
    const started = Date.now();
    const answer = await w.resolver.resolve(w.projectId, '+380931116666');
    assert.deepEqual([answer.result, answer.employee, answer.destination], ['token-invalid', null, null]);
    assert.ok(Date.now() - started < 1500);
    const requests = sb.admin.requestLog(w.portalId).length;
    assert.equal((await w.resolver.resolve(w.projectId, '+380931117777')).result, 'token-invalid');
    assert.equal(sb.admin.requestLog(w.portalId).length, requests, 'no request during the back-off');
  });

  void it('a project whose integration is broken answers none at once, without Bitrix24 (T1)', async () => {
    const w = world();
    sb.admin.seed(w.portalId, 'lead', { TITLE: 'b', PHONE: phone('+380931118888'), ASSIGNED_BY_ID: 7 });
    assert.equal((await w.resolver.resolve(w.projectId, '+380931118888')).result, 'matched');
    await w.credentials.reportBroken(w.projectId, 0, { type: 'BitrixTokenInvalid', message: 'INVALID_CREDENTIALS' });
    const requests = sb.admin.requestLog(w.portalId).length;
    const answer = await w.resolver.resolve(w.projectId, '+380931118888');
    assert.deepEqual([answer.result, answer.destination], ['integration-broken', null]);
    assert.equal(sb.admin.requestLog(w.portalId).length, requests);
  });
});

/**
 * The resolver on its own, without Temporal: each project's config webhook as version 0, and a
 * reported refusal flips it to broken — what the integration workflow would answer.
 */
function configCredentials(config: BridgeConfig): CredentialsCache {
  const state = new Map<string, ProjectCredentials>(config.projects.map((p) => [p.id, { projectId: p.id, version: 0, status: 'active', webhookUrl: p.bitrix24.webhookUrl }]));
  return {
    current: async (projectId) => state.get(projectId) as ProjectCredentials,
    async reportBroken(projectId, version, failure) {
      const current = state.get(projectId);
      if (!current || current.version !== version || current.status === 'broken') return false;
      state.set(projectId, { ...current, status: 'broken', brokenReason: failure.message });
      return true;
    },
  };
}
