/**
 * B2 by serialising creation (activities/client-resolution.ts) against the Bitrix24 sandbox:
 * which calls go to their number's creation turn, and what a creation decides when another call
 * of the number, or an earlier attempt of its own, created first. The turn itself (the
 * client-creation workflow) is tested end to end in test/integration/scenario-concurrency.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createClient, resolveClient } from '../../activities/client-resolution';
import { entityMarker } from '../../activities/markers';
import { createBitrixClient } from '../../bitrix/client';
import { parseWebhookUrl } from '../../bitrix/webhook-url';
import { factsFromEvents } from '../../decisions/facts-from-events';
import { startSandbox, type Sandbox } from '../../tools/sandbox';
import { bridgeConfigSchema } from '../../schemas/project-config';
import type { ResolveClientInput } from '../../schemas/activity-io';
import { callEvents } from '../../tools/testkit/call-events';

const E164 = '+380502100037';

describe('client resolution: creation only in the number\'s turn, never a delete (B2)', () => {
  let sandbox: Sandbox;
  before(async () => {
    sandbox = await startSandbox({ port: 0, rateLimit: { enabled: false, perSecond: 2, burst: 50 } });
  });
  after(async () => {
    await sandbox.stop();
  });

  function portal(id: string) {
    sandbox.admin.createPortal({ id, users: [{ id: 1, name: 'Senior', lastName: 'Manager' }] });
    const webhookUrl = sandbox.admin.createWebhook(id, 1);
    const config = bridgeConfigSchema.parse({ projects: [{ id, seniorManager: 1, scenario: { entities: 'lead+contact' }, bitrix24: { webhookUrl } }] });
    const project = config.projects[0]!;
    const client = createBitrixClient({ webhook: parseWebhookUrl(webhookUrl), rateLimit: false });
    const phone = [{ VALUE: E164, VALUE_TYPE: 'WORK' }];
    /** A contact, and its lead unless `withLead` is false, as the bridge made them for call `callId` (seeded: not counted as created). */
    const made = (callId: string, withLead: boolean) => {
      const contact = entityMarker(id, callId, 'contact');
      const contactId = sandbox.admin.seed(id, 'contact', { NAME: callId, PHONE: phone, ORIGINATOR_ID: contact.originatorId, ORIGIN_ID: contact.originId });
      if (!withLead) return contactId;
      const lead = entityMarker(id, callId, 'lead');
      sandbox.admin.seed(id, 'lead', { TITLE: callId, PHONE: phone, CONTACT_ID: contactId, STATUS_ID: 'NEW', ORIGINATOR_ID: lead.originatorId, ORIGIN_ID: lead.originId });
      return contactId;
    };
    const input = (callId: string): ResolveClientInput => ({
      projectId: id, callId, e164: E164, stage: 'ended', minVersion: 0,
      facts: factsFromEvents(callEvents({ projectId: id, callId, clientNumber: E164, disposition: 'no_answer' })),
    });
    const deps = { client, project, drawMissedAssignee: async () => undefined };
    const turns: string[] = [];
    const resolve = (callId: string) => resolveClient({
      ...deps, createInTurn: async (i) => { turns.push(i.callId); return { client: { kind: 'new' }, created: {}, failures: [] }; },
    }, input(callId));
    const create = (callId: string) => createClient(deps, input(callId));
    return { made, resolve, create, turns, state: () => sandbox.admin.state(id) };
  }

  it('B2: a call that finds its client (an open lead) resolves at once and never asks for a creation turn', { timeout: 30_000 }, async () => {
    const p = portal('known-client');
    p.made('call-first', true);
    const resolved = await p.resolve('call-second');
    assert.equal(resolved.client.kind, 'open');
    assert.deepEqual(p.turns, [], 'no creation turn for a known client');
    assert.deepEqual(p.state().createdEver, { lead: 0, contact: 0, deal: 0 });
  });

  it('B2: a call from a new number creates nothing itself; it hands the creation to the number\'s turn', { timeout: 30_000 }, async () => {
    const p = portal('new-client');
    await p.resolve('call-new');
    assert.deepEqual(p.turns, ['call-new']);
    assert.deepEqual(p.state().createdEver, { lead: 0, contact: 0, deal: 0 }, 'the call\'s own activity created nothing');
  });

  it('B2: a creation whose turn comes after another call created the client looks again and creates nothing', { timeout: 30_000 }, async () => {
    const p = portal('created-meanwhile');
    const first = p.made('call-first', true);
    const resolved = await p.create('call-second');
    assert.equal(resolved.client.kind, 'open');
    assert.equal(resolved.client.kind === 'open' ? resolved.client.contactId : undefined, first);
    assert.deepEqual(resolved.created, {});
    assert.deepEqual(p.state().createdEver, { lead: 0, contact: 0, deal: 0 }, 'nothing created, so nothing to delete');
  });

  it('B2, R1: a creation retried after its worker died between contact and lead completes the lead, never a second contact', { timeout: 30_000 }, async () => {
    const p = portal('retry-mid-creation');
    const own = p.made('call-killed', false);
    const resolved = await p.create('call-killed');
    assert.equal(resolved.client.kind, 'new', 'decides as the first attempt did');
    assert.equal(resolved.created.contactId, own, 'its own contact, found by marker');
    assert.ok(resolved.created.leadId, 'the lead the first attempt did not get to');
    assert.deepEqual(p.state().createdEver, { lead: 1, contact: 0, deal: 0 });
    const [lead] = p.state().leads;
    assert.equal(String(lead?.CONTACT_ID), String(own));
  });
});
