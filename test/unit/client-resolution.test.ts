/**
 * B2 without a lock (activities/client-resolution.ts) against the Bitrix24 sandbox: what a call
 * decides when other calls of the same new number are half way through their own creates or
 * deletes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { resolveClient } from '../../activities/client-resolution';
import { entityMarker } from '../../activities/markers';
import { createBitrixClient } from '../../bitrix/client';
import { parseWebhookUrl } from '../../bitrix/webhook-url';
import { factsFromEvents } from '../../decisions/facts-from-events';
import { startSandbox, type Sandbox } from '../../tools/sandbox';
import { bridgeConfigSchema } from '../../schemas/project-config';
import { callEvents } from '../../tools/testkit/call-events';

const E164 = '+380502100037';

describe('client resolution while other calls of the number race (B2)', () => {
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
    /** A contact (and its lead, unless `withLead` is false) as another call of the bridge made them just now. */
    const made = (callId: string, withLead: boolean) => {
      const phone = [{ VALUE: E164, VALUE_TYPE: 'WORK' }];
      const contact = entityMarker(id, callId, 'contact');
      const contactId = sandbox.admin.seed(id, 'contact', { NAME: callId, PHONE: phone, ORIGINATOR_ID: contact.originatorId, ORIGIN_ID: contact.originId });
      if (!withLead) return contactId;
      const lead = entityMarker(id, callId, 'lead');
      sandbox.admin.seed(id, 'lead', { TITLE: callId, PHONE: phone, CONTACT_ID: contactId, STATUS_ID: 'NEW', ORIGINATOR_ID: lead.originatorId, ORIGIN_ID: lead.originId });
      return contactId;
    };
    const resolve = (callId: string) => {
      const facts = factsFromEvents(callEvents({ projectId: id, callId, clientNumber: E164, disposition: 'no_answer' }));
      return resolveClient({ client, project, drawMissedAssignee: async () => undefined },
        { projectId: id, callId, e164: E164, facts, stage: 'ended', minVersion: 0 });
    };
    return { made, resolve, state: () => sandbox.admin.state(id) };
  }

  it('takes the winner as the client at once; contacts of race losers left between their deletes are not waited for', { timeout: 30_000 }, async () => {
    const p = portal('losers-left');
    const winner = p.made('call-winner', true);
    // Two losers whose lead is deleted and whose contact delete failed: each of their retries
    // looks at the other one's contact. Neither must count as a contact still getting its lead.
    p.made('call-loser-1', false);
    p.made('call-loser-2', false);

    const resolved = await p.resolve('call-third');
    assert.notEqual(resolved.client.kind, 'new', 'the number is a known client');
    assert.deepEqual(resolved.created, {}, 'nothing created');
    const state = p.state();
    assert.equal(state.leads.length, 1, 'still only the winner\'s lead');
    assert.equal(String(state.leads[0]!.CONTACT_ID), String(winner));
  });

  it('a loser retrying between its deletes finishes deleting its own contact and keeps to the winner', { timeout: 30_000 }, async () => {
    const p = portal('loser-retry');
    const winner = p.made('call-winner', true);
    p.made('call-loser-1', false);
    p.made('call-loser-2', false);

    const resolved = await p.resolve('call-loser-1');
    assert.notEqual(resolved.client.kind, 'new', 'decides as a call from the known client');
    const contacts = p.state().contacts.map((c) => String(c.ORIGIN_ID));
    assert.ok(!contacts.includes('call-loser-1:contact'), `its own contact is gone (${contacts.join(', ')})`);
    assert.ok(contacts.includes('call-winner:contact'));
    assert.equal(p.state().leads.length, 1, 'no lead added');
    assert.equal(String(p.state().leads[0]!.CONTACT_ID), String(winner));
  });
});
