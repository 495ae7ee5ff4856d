/**
 * docs/decisions.md, incoming answered calls from a New client, end to end (Kafka → dispatcher →
 * Temporal → activities → sandbox), asserted on the sandbox's final CRM state: S1.1 (each
 * `entities` value and each `createOn` moment), S1.2, S1.4, S1.5 / M4.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { callEvents } from '../../tools/testkit/call-events';
import { startHarness, type Harness } from '../../tools/testkit/bridge-harness';
import {
  OLENA, PETRO, SENIOR, assertE164Phone, assertTask, callPhase, crmFor, idOf, only, ownerOf, runCall, tasksOfCall, taskOfCall,
  waitFor, CALL_TIMEOUT_MS,
} from '../../tools/testkit/crm-assert';
import type { CallEvent } from '../../schemas/call-event';
import { callWorkflowId } from '../../workflows/contract';

/** The local activities a history ran, by type, from their markers. */
function localActivities(events: readonly { markerRecordedEventAttributes?: { markerName?: string | null; details?: Record<string, { payloads?: { data?: Uint8Array | null }[] | null }> | null } | null }[]): string[] {
  return events.flatMap((e) => {
    const marker = e.markerRecordedEventAttributes;
    const data = marker?.markerName === 'core_local_activity' ? marker.details?.data?.payloads?.[0]?.data : undefined;
    return data ? [(JSON.parse(Buffer.from(data).toString('utf8')) as { activity_type: string }).activity_type] : [];
  });
}

describe('scenario: new client, incoming answered (S1)', () => {
  let h: Harness;
  let lead: string;
  let contactOnly: string;
  let leadContact: string;
  let dealContact: string;
  let onCompletion: string;
  let onRinging: string;

  before(async () => {
    h = await startHarness({
      projects: [
        { id: 'new-lead' },
        { id: 'new-contact', scenario: { entities: 'contact' } },
        { id: 'new-leadc', scenario: { entities: 'lead+contact' } },
        { id: 'new-dealc', scenario: { entities: 'deal+contact' } },
        { id: 'new-completion', scenario: { createOn: 'completion' } },
        { id: 'new-ringing', scenario: { createOn: 'ringing' } },
      ],
    });
    [lead, contactOnly, leadContact, dealContact, onCompletion, onRinging] = h.projectIds as [string, string, string, string, string, string];
  });
  after(async () => {
    await h?.stop();
  });

  it('S1.1, S1.2, S1.4: entities lead → one lead owned by the answerer, a completed call record on the answerer bound L_ with the recording link', async () => {
    const run = await runCall(h, { projectId: lead, clientNumber: '050 310 00 01', employee: { staffId: '101' } });
    const created = only(run.crm.leads, 'lead');
    assert.equal(ownerOf(created), OLENA, 'S1.2: responsible is the answerer');
    assertE164Phone(created, '+380503100001', 'lead');
    assert.equal(created.SOURCE_ID, 'CALL');
    assert.equal(created.STATUS_ID, 'NEW');
    assert.equal(run.crm.contacts.length, 0, 'entities lead: no contact');
    assert.equal(run.crm.deals.length, 0, 'entities lead: no deal');
    assert.equal(run.result.outcome, 'lead-created');
    assert.equal(run.result.createdLeadId, idOf(created));
    const record = only(tasksOfCall(run.crm, run.callId), 'task of the call');
    assertTask(record, {
      responsible: OLENA, status: 'completed', bindings: [`L_${idOf(created)}`], titleMatches: /Incoming call from \+380503100001/,
      descriptionIncludes: [`Recording: https://records.example/${run.callId}.mp3`, 'Status: answered', 'Duration: 1:00', 'Answered by: Olena Koval'],
    }, 'S1.4 call record');
  });

  it('S1.1: createOn answer (default) → the lead exists right after call.answered, before call.ended is published', async () => {
    const clientNumber = '+380503100002';
    const events = callEvents({ projectId: lead, clientNumber, employee: { extension: '102' } });
    const [ringing, answered, ended] = events as [CallEvent, CallEvent, CallEvent];
    await h.publish([ringing, answered]);
    const early = await waitFor('the lead after call.answered', () => crmFor(h, lead, clientNumber).leads[0], CALL_TIMEOUT_MS);
    assert.equal(ownerOf(early), PETRO, 'owned by the answerer at once');
    assert.equal(tasksOfCall(crmFor(h, lead, clientNumber), ringing.callId).length, 0, 'call records only after call.ended');
    assert.notEqual(await callPhase(h, lead, ringing.callId), 'completed');

    await h.publish(ended);
    const result = await h.callResult(lead, ringing.callId, CALL_TIMEOUT_MS);
    const crm = crmFor(h, lead, clientNumber);
    assert.equal(idOf(only(crm.leads, 'lead')), idOf(early), 'the same lead, not a second one');
    assert.equal(result.createdLeadId, idOf(early));
    assertTask(taskOfCall(crm, ringing.callId, 'call-record'), { responsible: PETRO, status: 'completed', bindings: [`L_${idOf(early)}`] });
    // The lead at call.answered is the call's one activity; its record, written after call.ended, a local activity (issue 16, P2).
    const history = await h.bridge.temporal.workflow.getHandle(callWorkflowId(lead, ringing.callId)).fetchHistory();
    const activities = (history.events ?? []).flatMap((e) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? []);
    assert.deepEqual(activities, ['resolveClient'], 'a live call resolved at call.answered schedules no completeCall activity');
    assert.ok(localActivities(history.events ?? []).includes('completeCall'), `its record is written by a local completeCall (local activities: ${localActivities(history.events ?? []).join(', ')})`);
  });

  it('S1.1: createOn completion → no lead while the call is answered; the lead comes with call.ended', async () => {
    const clientNumber = '+380503100003';
    const events = callEvents({ projectId: onCompletion, clientNumber, employee: { sip: 'olena_sip' } });
    const [ringing, answered, ended] = events as [CallEvent, CallEvent, CallEvent];
    await h.publish([ringing, answered]);
    await waitFor('the call to reach the answered phase', async () => (await callPhase(h, onCompletion, ringing.callId)) === 'answered', CALL_TIMEOUT_MS);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    assert.equal(crmFor(h, onCompletion, clientNumber).leads.length, 0, 'no lead before call.ended');

    await h.publish(ended);
    await h.callResult(onCompletion, ringing.callId, CALL_TIMEOUT_MS);
    const crm = crmFor(h, onCompletion, clientNumber);
    const created = only(crm.leads, 'lead');
    assert.equal(ownerOf(created), OLENA);
    assertTask(taskOfCall(crm, ringing.callId, 'call-record'), { responsible: OLENA, status: 'completed', bindings: [`L_${idOf(created)}`] });
    // Its creation moment is its end: the lead and the record in one activity (issue 16).
    const history = await h.bridge.temporal.workflow.getHandle(callWorkflowId(onCompletion, ringing.callId)).fetchHistory();
    const activities = (history.events ?? []).flatMap((e) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? []);
    assert.deepEqual(activities, ['resolveClient'], 'one activity for a call that ended by its creation moment: no completeCall');
  });

  it('S1.1, M4 a: createOn ringing → the lead appears at call.ringing owned by the senior manager and stays his; the record goes to the answerer', async () => {
    const clientNumber = '+380503100004';
    const events = callEvents({ projectId: onRinging, clientNumber, employee: { staffId: '102' } });
    const [ringing, answered, ended] = events as [CallEvent, CallEvent, CallEvent];
    await h.publish(ringing);
    const early = await waitFor('the lead after call.ringing', () => crmFor(h, onRinging, clientNumber).leads[0], CALL_TIMEOUT_MS);
    assert.equal(ownerOf(early), SENIOR, 'created before anyone answered: the senior manager');

    await h.publish([answered, ended]);
    await h.callResult(onRinging, ringing.callId, CALL_TIMEOUT_MS);
    const crm = crmFor(h, onRinging, clientNumber);
    const created = only(crm.leads, 'lead');
    assert.equal(idOf(created), idOf(early));
    assert.equal(ownerOf(created), SENIOR, 'not reassigned to the answerer');
    const tasks = tasksOfCall(crm, ringing.callId);
    assert.equal(tasks.length, 1, 'only the call record');
    assertTask(taskOfCall(crm, ringing.callId, 'call-record'), { responsible: PETRO, status: 'completed', bindings: [`L_${idOf(created)}`] });
  });

  it('S1.1: entities contact → one contact owned by the answerer, no lead or deal; the record is bound C_', async () => {
    const run = await runCall(h, { projectId: contactOnly, clientNumber: '050 310 00 05', employee: { extension: '102' } });
    const contact = only(run.crm.contacts, 'contact');
    assert.equal(ownerOf(contact), PETRO);
    assertE164Phone(contact, '+380503100005', 'contact');
    assert.equal(contact.SOURCE_ID, 'CALL');
    assert.equal(run.crm.leads.length, 0);
    assert.equal(run.crm.deals.length, 0);
    assert.equal(run.result.outcome, 'contact-created');
    assertTask(taskOfCall(run.crm, run.callId, 'call-record'), { responsible: PETRO, status: 'completed', bindings: [`C_${idOf(contact)}`] });
  });

  it('S1.1: entities lead+contact → a contact and a lead bound to it, both owned by the answerer (found by SIP login)', async () => {
    const run = await runCall(h, { projectId: leadContact, clientNumber: '+380503100006', employee: { sip: 'olena_sip' } });
    const contact = only(run.crm.contacts, 'contact');
    const created = only(run.crm.leads, 'lead');
    assert.equal(Number(created.CONTACT_ID), idOf(contact), 'the lead is bound to the new contact');
    assert.equal(ownerOf(contact), OLENA);
    assert.equal(ownerOf(created), OLENA);
    assertE164Phone(contact, '+380503100006', 'contact');
    assertE164Phone(created, '+380503100006', 'lead');
    assert.equal(run.crm.deals.length, 0);
    assert.equal(run.result.outcome, 'lead-created');
    assertTask(taskOfCall(run.crm, run.callId, 'call-record'), {
      responsible: OLENA, status: 'completed', bindings: [`L_${idOf(created)}`, `C_${idOf(contact)}`],
    });
  });

  it('S1.1: entities deal+contact → a contact and a deal bound to it in the default pipeline, owned by the answerer (found by phone)', async () => {
    const run = await runCall(h, { projectId: dealContact, clientNumber: '+380503100007', employee: { phone: '067 111 22 33' } });
    const contact = only(run.crm.contacts, 'contact');
    const deal = only(run.crm.deals, 'deal');
    assert.equal(Number(deal.CONTACT_ID), idOf(contact));
    assert.equal(ownerOf(contact), OLENA);
    assert.equal(ownerOf(deal), OLENA);
    assert.equal(String(deal.CATEGORY_ID), '0', 'no pipeline rule: default pipeline');
    assert.equal(deal.SOURCE_ID, 'CALL');
    assertE164Phone(contact, '+380503100007', 'contact');
    assert.equal(run.crm.leads.length, 0, 'no lead');
    assert.equal(run.result.outcome, 'deal-created');
    assertTask(taskOfCall(run.crm, run.callId, 'call-record'), {
      responsible: OLENA, status: 'completed', bindings: [`D_${idOf(deal)}`, `C_${idOf(contact)}`],
    });
  });

  it('S1.5, M4 c: answered on a line bound to no employee → lead on the senior manager, completed record on him, open settings task on him', async () => {
    const run = await runCall(h, { projectId: lead, clientNumber: '+380503100008', employee: { extension: '199' } });
    const created = only(run.crm.leads, 'lead');
    assert.equal(ownerOf(created), SENIOR);
    assert.equal(run.result.outcome, 'lead-created');
    assert.equal(tasksOfCall(run.crm, run.callId).length, 2);
    assertTask(taskOfCall(run.crm, run.callId, 'call-record'), {
      responsible: SENIOR, status: 'completed', bindings: [`L_${idOf(created)}`], descriptionIncludes: [`Recording: https://records.example/${run.callId}.mp3`],
    });
    assertTask(taskOfCall(run.crm, run.callId, 'settings'), {
      responsible: SENIOR, status: 'open', bindings: [`L_${idOf(created)}`],
      titleMatches: /ext\. 199 is not bound to an employee: check the integration settings/,
    }, 'settings task');
  });

  it('S1.1: a callback call is handled as incoming → lead owned by the answerer', async () => {
    const run = await runCall(h, { projectId: lead, clientNumber: '+380503100009', direction: 'callback', employee: { staffId: '102' } });
    const created = only(run.crm.leads, 'lead');
    assert.equal(ownerOf(created), PETRO);
    assertTask(taskOfCall(run.crm, run.callId, 'call-record'), {
      responsible: PETRO, status: 'completed', bindings: [`L_${idOf(created)}`], titleMatches: /Callback call with/,
    });
  });
});
