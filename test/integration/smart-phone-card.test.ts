/**
 * B9 through real Kafka and the Ringostat stand-in: after S1, S2 and S3 calls (run end to end
 * on the Bitrix24 sandbox) the client's card carries the right links and responsible; cards are
 * batched and idempotent per client; Ringostat down → the sync waits and catches up; a bad
 * apiKey skips that project's cards, counted, without holding up another project's.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { createKafka } from '../../platform/kafka';
import { createLogger } from '../../platform/logger';
import { createContactCardPublisher, type ContactCardPublisher } from '../../ringostat/contact-card-publisher';
import { startContactCardSync, type ContactCardSync } from '../../ringostat/contact-card-sync';
import { pendingContactCards } from '../../ringostat/ringostat-status';
import { startRingostatStandIn, type RingostatStandIn } from '../../tools/sandbox/ringostat';
import type { ContactCardInput } from '../../schemas/contact-card';
import type { CallResult } from '../../schemas/workflow-io';
import { startHarness, type Harness } from '../../tools/testkit/bridge-harness';
import { IRYNA, OLENA, PETRO, ownerOf, runCall, type Rec } from '../../tools/testkit/crm-assert';
import { standInProject, type StandInProjectBlock } from '../../tools/testkit/ringostat-harness';
import { stackEnv } from '../../tools/testkit/stack-env';
import { waitFor } from '../../tools/testkit/wait-for';

const phone = (value: string) => [{ VALUE: value, VALUE_TYPE: 'WORK' }];

describe('Smart Phone cards (B9)', () => {
  let standIn: RingostatStandIn;
  let h: Harness;
  let projectId: string;
  let block: StandInProjectBlock;
  let publisher: ContactCardPublisher;
  let sync: ContactCardSync;
  const registry = new Registry();
  const logger = createLogger({ level: 'error' });
  const kafka = createKafka({ brokers: stackEnv().kafkaBrokers, clientId: 'card-test', logger });
  const topic = `test-cards-${randomUUID().slice(0, 8)}`;

  before(async () => {
    standIn = await startRingostatStandIn({ maxContactsPerSync: 100 });
    block = standInProject(standIn);
    h = await startHarness({ projects: [{ id: 'cards', ringostat: block }, { id: 'badkey', ringostat: { ...standInProject(standIn), apiKey: 'not-the-key-1' } }] });
    projectId = h.projectIds[0] as string;
    publisher = createContactCardPublisher({ kafka, topic, config: h.config, logger, registry });
    sync = await startContactCardSync({ kafka, topic, config: h.config, logger, registry, groupId: `${topic}-sync`, retry: { initialMs: 200, maxMs: 1_000 } });
  });
  after(async () => {
    await sync?.stop();
    await publisher?.stop();
    await h?.stop();
    await standIn?.stop();
  });

  /** The card the call's last activity hands over: the call's CRM ids, the owner of the client's entity. */
  function cardOf(result: CallResult, clientE164: string): ContactCardInput {
    const state = h.sandbox.admin.state(projectId);
    const find = (list: Rec[], id: number | undefined) => list.find((r) => Number(r.ID) === id);
    const { leadId, dealId, contactId } = result.crm;
    const entity = find(state.deals, dealId) ?? find(state.leads, leadId) ?? find(state.contacts, contactId);
    const contact = find(state.contacts, contactId);
    return {
      projectId, callId: result.callId, clientE164, leadId, dealId, contactId,
      responsibleUserId: entity ? ownerOf(entity) : undefined,
      clientName: contact ? [contact.NAME, contact.LAST_NAME].filter(Boolean).join(' ') || undefined : undefined,
    };
  }

  const entry = (e164: string) => standIn.admin.contacts(block.projectId).find((c) => c.externalId === e164);
  const portal = () => new URL(h.sandbox.baseUrl).origin;

  it('B9 after S1, S2, S3: the card links the client\'s contact, lead and deal in the portal, with the responsible', async () => {
    // S1: a new client answered by Olena → a new lead on her.
    const s1 = await runCall(h, { projectId, clientNumber: '+380503300001', employee: { staffId: '101' } });
    // S2: an open lead of Petro, answered by Olena → the lead stays Petro's.
    const s2Lead = h.sandbox.admin.seed(projectId, 'lead', { TITLE: 'Web form', PHONE: phone('0503300002'), ASSIGNED_BY_ID: PETRO, STATUS_ID: 'NEW' });
    const s2 = await runCall(h, { projectId, clientNumber: '+380503300002', employee: { staffId: '101' } });
    // S3: a contact of Iryna's, no open lead, answered by Petro → a new lead bound to the contact.
    const s3Contact = h.sandbox.admin.seed(projectId, 'contact', { NAME: 'Ivan', LAST_NAME: 'Franko', PHONE: phone('0503300003'), ASSIGNED_BY_ID: IRYNA });
    const s3 = await runCall(h, { projectId, clientNumber: '+380503300003', employee: { staffId: '102' } });

    for (const [run, e164] of [[s1, '+380503300001'], [s2, '+380503300002'], [s3, '+380503300003']] as const) {
      await publisher.publish(cardOf(run.result, e164));
    }
    await waitFor('three cards in the contact book', async () => standIn.admin.contacts(block.projectId).length >= 3);

    const s1Lead = s1.result.crm.leadId;
    assert.ok(s1Lead);
    assert.deepEqual(pick(entry('+380503300001')), {
      fullName: '+380503300001', responsible: String(OLENA), staffId: '101', leadId: String(s1Lead),
      leadLink: `${portal()}/crm/lead/details/${s1Lead}/`, contactLink: null, dealLink: null,
    }, 'S1');
    assert.deepEqual(pick(entry('+380503300002')), {
      fullName: '+380503300002', responsible: String(PETRO), staffId: '102', leadId: String(s2Lead),
      leadLink: `${portal()}/crm/lead/details/${s2Lead}/`, contactLink: null, dealLink: null,
    }, 'S2: the lead\'s responsible, not the answerer');
    const s3Lead = s3.result.crm.leadId;
    assert.ok(s3Lead);
    const s3Owner = ownerOf(h.sandbox.admin.state(projectId).leads.find((l) => Number(l.ID) === s3Lead));
    assert.deepEqual(pick(entry('+380503300003')), {
      fullName: 'Ivan Franko', responsible: String(s3Owner), staffId: s3Owner === PETRO ? '102' : '103', leadId: String(s3Lead),
      leadLink: `${portal()}/crm/lead/details/${s3Lead}/`, contactLink: `${portal()}/crm/contact/details/${s3Contact}/`, dealLink: null,
    }, 'S3');
    const all = JSON.stringify(standIn.admin.contacts(block.projectId));
    assert.ok(!all.includes('/rest/'), 'no webhook URL (nor its secret) in the contact book');
  });

  it('B9 end to end: after S1, S2, S3 calls the bridge itself sends each client\'s card (the call\'s last activity → Kafka → sync → Ringostat)', async () => {
    const s1 = await runCall(h, { projectId, clientNumber: '+380503310001', employee: { staffId: '101' } });
    const s2Lead = h.sandbox.admin.seed(projectId, 'lead', { TITLE: 'Web form', PHONE: phone('0503310002'), ASSIGNED_BY_ID: PETRO, STATUS_ID: 'NEW' });
    await runCall(h, { projectId, clientNumber: '+380503310002', employee: { staffId: '101' } });
    const s3Contact = h.sandbox.admin.seed(projectId, 'contact', { NAME: 'Lesya', LAST_NAME: 'Ukrainka', PHONE: phone('0503310003'), ASSIGNED_BY_ID: IRYNA });
    const s3 = await runCall(h, { projectId, clientNumber: '+380503310003', employee: { staffId: '102' } });

    // Nothing published by the test: the cards come from the bridge's own pipeline.
    await waitFor('the bridge\'s three cards in the contact book', async () =>
      ['+380503310001', '+380503310002', '+380503310003'].every((e164) => entry(e164)), 60_000);
    const s1Lead = s1.result.crm.leadId;
    assert.ok(s1Lead);
    assert.deepEqual(pick(entry('+380503310001')), {
      fullName: '+380503310001', responsible: String(OLENA), staffId: '101', leadId: String(s1Lead),
      leadLink: `${portal()}/crm/lead/details/${s1Lead}/`, contactLink: null, dealLink: null,
    }, 'S1: the new lead, on the answerer');
    assert.deepEqual(pick(entry('+380503310002')), {
      fullName: '+380503310002', responsible: String(PETRO), staffId: '102', leadId: String(s2Lead),
      leadLink: `${portal()}/crm/lead/details/${s2Lead}/`, contactLink: null, dealLink: null,
    }, 'S2: the lead\'s responsible, not the answerer');
    const s3Lead = s3.result.crm.leadId;
    assert.ok(s3Lead);
    assert.deepEqual(pick(entry('+380503310003')), {
      fullName: 'Lesya Ukrainka', responsible: String(PETRO), staffId: '102', leadId: String(s3Lead),
      leadLink: `${portal()}/crm/lead/details/${s3Lead}/`, contactLink: `${portal()}/crm/contact/details/${s3Contact}/`, dealLink: null,
    }, 'S3: the new lead bound to the contact, on the answerer who took it');
  });

  it('B9: many cards of one client in a batch → one entry, the newest; Ringostat down → the sync waits and catches up', async () => {
    standIn.admin.goDown(4_000);
    for (const leadId of [101, 102, 103]) await publisher.publish({ projectId, callId: `c-${leadId}`, clientE164: '+380503300009', leadId, responsibleUserId: OLENA });
    await publisher.publish({ projectId, callId: 'c-other', clientE164: '+380503300010', contactId: 77 });
    assert.equal(entry('+380503300009'), undefined, 'nothing reaches Ringostat while it is down');
    const synced = await waitFor('the cards after the outage', async () => entry('+380503300009')?.leadId === '103' && entry('+380503300010'), 30_000);
    assert.equal(synced.contactLink, `${portal()}/crm/contact/details/77/`);
    assert.ok((await metric('ringostat_bridge_contact_card_sync_errors_total', { project: projectId, kind: 'unavailable' })) > 0, 'the outage is counted');
    assert.ok(standIn.admin.requests().some((r) => r.error === 'down'));
    await waitFor('no card pending (status)', async () => (await pendingContactCards(kafka, { topic, groupId: `${topic}-sync` })) === 0);
  });

  it('B9: a bad apiKey skips that project\'s cards, counted, and holds up no other project', async () => {
    const badProject = h.projectIds[1] as string;
    await publisher.publish({ projectId: badProject, callId: 'b1', clientE164: '+380503300011', leadId: 5 });
    await publisher.publish({ projectId, callId: 'g1', clientE164: '+380503300012', leadId: 6 });
    await waitFor('the good project\'s card', async () => entry('+380503300012'));
    await waitFor('the bad key counted', async () => (await metric('ringostat_bridge_contact_cards_synced_total', { project: badProject, outcome: 'auth_failed' })) >= 1);
    // A project without a ringostat block: publish is a no-op.
    await publisher.publish({ projectId: 'not-configured', callId: 'x', clientE164: '+380503300013' });
  });

  function pick(contact: Rec | undefined): Rec {
    assert.ok(contact, 'the client has an entry');
    const { fullName, responsible, staffId, leadId, leadLink, contactLink, dealLink } = contact;
    return { fullName, responsible, staffId, leadId, leadLink, contactLink, dealLink };
  }

  async function metric(name: string, labels: Record<string, string>): Promise<number> {
    const found = (await registry.getSingleMetric(name)?.get())?.values.find((v) =>
      Object.entries(labels).every(([key, value]) => v.labels[key] === value));
    return found?.value ?? 0;
  }
});
