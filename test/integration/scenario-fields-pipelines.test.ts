/**
 * What the bridge writes into the fields of the entities, end to end, asserted on the sandbox's
 * final CRM state: S1.3 / M5 (phone, SOURCE_ID CALL, UTM_*, visit data), S1.4 (visit data in the
 * record), S9 (custom fields from source and extra parameters), S10 (pipeline rules), S8 (an
 * entity another integration created: only its empty fields are filled, no duplicate).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startHarness, type Harness } from '../../tools/testkit/bridge-harness';
import {
  OLENA, PETRO, assertE164Phone, assertTask, idOf, only, ownerOf, runCall, tasksOfCall, taskOfCall,
} from '../../tools/testkit/crm-assert';
import type { CallSource } from '../../schemas/call-event';

const phone = (value: string) => [{ VALUE: value, VALUE_TYPE: 'WORK' }];

const fullSource: CallSource = {
  utmSource: 'google', utmMedium: 'cpc', utmCampaign: 'spring_sale', utmContent: 'banner_a', utmTerm: 'buy sofa',
  gclid: 'Cj0KCQ-gclid', gaClientId: 'GA1.2.111.222', poolName: 'Контекстная реклама',
  landingPage: 'https://shop.example/sofas?utm_source=google', referrer: 'https://www.google.com/',
};

describe('scenario: fields, custom fields and pipelines (S1.3, M5, S8, S9, S10)', () => {
  let h: Harness;
  let fields: string;
  let pipes: string;
  let existing: string;

  before(async () => {
    h = await startHarness({
      projects: [
        {
          id: 'fields',
          scenario: { entities: 'lead+contact' },
          customFields: {
            lead: { utmTerm: 'UF_CRM_RS_TERM', gaClientId: 'UF_CRM_RS_GACID', adGroup: 'UF_CRM_RS_ADGROUP', lineNumber: 'UF_CRM_RS_LINE' },
            contact: { poolName: 'UF_CRM_RS_POOL', landingPage: 'UF_CRM_RS_LANDING' },
          },
        },
        {
          id: 'pipes',
          scenario: { entities: 'deal+contact' },
          customFields: { deal: { utmCampaign: 'UF_CRM_RS_CAMPAIGN', formType: 'UF_CRM_RS_FORM' } },
          pipelines: [
            { categoryId: 3, param: 'poolName', equals: 'Контекстная реклама' },
            { categoryId: 3, param: 'formType', equals: 'quiz' },
          ],
        },
        {
          id: 'another-integration',
          customFields: { lead: { utmTerm: 'UF_CRM_RS_TERM', gaClientId: 'UF_CRM_RS_GACID' } },
        },
      ],
    });
    [fields, pipes, existing] = h.projectIds as [string, string, string];
  });
  after(async () => {
    await h?.stop();
  });

  it('S1.3, M5: a new lead and contact carry the E.164 phone, SOURCE_ID CALL, every UTM_* and the visit data; S1.4: the record has the visit data too', async () => {
    const run = await runCall(h, {
      projectId: fields, clientNumber: '050 360 00 01', employee: { staffId: '101' }, source: fullSource, lineNumber: '+380443334455',
    });
    const lead = only(run.crm.leads, 'lead');
    const contact = only(run.crm.contacts, 'contact');
    for (const [what, record] of [['lead', lead], ['contact', contact]] as const) {
      assertE164Phone(record, '+380503600001', what);
      assert.equal(record.SOURCE_ID, 'CALL', `${what} SOURCE_ID`);
      assert.equal(record.UTM_SOURCE, 'google', `${what} UTM_SOURCE`);
      assert.equal(record.UTM_MEDIUM, 'cpc', `${what} UTM_MEDIUM`);
      assert.equal(record.UTM_CAMPAIGN, 'spring_sale', `${what} UTM_CAMPAIGN`);
      assert.equal(record.UTM_CONTENT, 'banner_a', `${what} UTM_CONTENT`);
      assert.equal(record.UTM_TERM, 'buy sofa', `${what} UTM_TERM`);
      assert.equal(ownerOf(record), OLENA, `${what} owner`);
    }
    assert.match(String(lead.SOURCE_DESCRIPTION), /Контекстная реклама/);
    const comments = String(lead.COMMENTS);
    for (const text of ['Number pool: Контекстная реклама', `Landing page: ${fullSource.landingPage}`, `Referrer: ${fullSource.referrer}`, 'GA client id: GA1.2.111.222', 'gclid: Cj0KCQ-gclid']) {
      assert.ok(comments.includes(text), `lead COMMENTS should contain "${text}", is:\n${comments}`);
    }
    assertTask(taskOfCall(run.crm, run.callId, 'call-record'), {
      responsible: OLENA, status: 'completed', bindings: [`L_${idOf(lead)}`, `C_${idOf(contact)}`],
      descriptionIncludes: [`Recording: https://records.example/${run.callId}.mp3`, `Landing page: ${fullSource.landingPage}`, 'Number pool: Контекстная реклама', 'source=google'],
    });
  });

  it('S9: mapped custom fields come from source fields, lineNumber and extra parameters, each entity with its own map', async () => {
    const run = await runCall(h, {
      projectId: fields, clientNumber: '+380503600002', employee: { staffId: '102' }, lineNumber: '+380443334455',
      source: { utmTerm: 'oak table', gaClientId: 'GA1.2.333.444', poolName: 'SEO', landingPage: 'https://shop.example/tables' },
      extra: { adGroup: 'tables-brand', unmapped: 'ignored' },
    });
    const lead = only(run.crm.leads, 'lead');
    const contact = only(run.crm.contacts, 'contact');
    assert.equal(lead.UF_CRM_RS_TERM, 'oak table');
    assert.equal(lead.UF_CRM_RS_GACID, 'GA1.2.333.444');
    assert.equal(lead.UF_CRM_RS_ADGROUP, 'tables-brand', 'from an extra parameter');
    assert.equal(lead.UF_CRM_RS_LINE, '+380443334455', 'from lineNumber');
    assert.equal(lead.UF_CRM_RS_POOL, undefined, 'the contact\'s map does not write the lead');
    assert.equal(contact.UF_CRM_RS_POOL, 'SEO');
    assert.equal(contact.UF_CRM_RS_LANDING, 'https://shop.example/tables');
    assert.equal(contact.UF_CRM_RS_TERM, undefined, 'the lead\'s map does not write the contact');
    assert.ok(!Object.values(lead).includes('ignored') && !Object.values(contact).includes('ignored'), 'unmapped parameters are not written');
  });

  it('S10: a pipeline rule on poolName → the new deal goes to its category (3), with the deal\'s custom fields', async () => {
    const run = await runCall(h, {
      projectId: pipes, clientNumber: '+380503600003', employee: { staffId: '101' }, source: { ...fullSource, poolName: 'Контекстная реклама' },
    });
    const deal = only(run.crm.deals, 'deal');
    const contact = only(run.crm.contacts, 'contact');
    assert.equal(String(deal.CATEGORY_ID), '3');
    assert.match(String(deal.STAGE_ID), /^C3:/, 'a stage of pipeline 3');
    assert.equal(Number(deal.CONTACT_ID), idOf(contact));
    assert.equal(deal.SOURCE_ID, 'CALL');
    assert.equal(deal.UTM_SOURCE, 'google');
    assert.equal(deal.UF_CRM_RS_CAMPAIGN, 'spring_sale');
    assert.equal(run.crm.leads.length, 0);
  });

  it('S10: a pipeline rule on an extra parameter → category 3', async () => {
    const run = await runCall(h, {
      projectId: pipes, clientNumber: '+380503600004', employee: { staffId: '101' }, source: { poolName: 'Organic' }, extra: { formType: 'quiz' },
    });
    const deal = only(run.crm.deals, 'deal');
    assert.equal(String(deal.CATEGORY_ID), '3');
    assert.equal(deal.UF_CRM_RS_FORM, 'quiz');
  });

  it('S10: no rule matches → the default pipeline (0)', async () => {
    const run = await runCall(h, {
      projectId: pipes, clientNumber: '+380503600005', employee: { staffId: '101' }, source: { poolName: 'Organic', utmSource: 'bing' }, extra: { formType: 'callback' },
    });
    const deal = only(run.crm.deals, 'deal');
    assert.equal(String(deal.CATEGORY_ID), '0');
    assert.equal(deal.UTM_SOURCE, 'bing');
  });

  it('S8: a lead another integration created (UTM_SOURCE set, UTM_MEDIUM empty) → no duplicate; UTM_SOURCE and filled custom fields kept, empty ones filled', async () => {
    const leadId = h.sandbox.admin.seed(existing, 'lead', {
      TITLE: 'Website form', PHONE: phone('050 360 00 06'), ASSIGNED_BY_ID: PETRO, STATUS_ID: 'NEW', SOURCE_ID: 'WEB',
      UTM_SOURCE: 'website-form', UTM_MEDIUM: '', UF_CRM_RS_TERM: 'typed by hand',
    });
    const run = await runCall(h, {
      projectId: existing, clientNumber: '+380503600006', employee: { staffId: '102' },
      source: { utmSource: 'google', utmMedium: 'cpc', utmCampaign: 'brand', utmTerm: 'sofa', gaClientId: 'GA1.2.555.666' },
    });
    const lead = only(run.crm.leads, 'lead (no duplicate)');
    assert.equal(idOf(lead), leadId);
    assert.equal(lead.UTM_SOURCE, 'website-form', 'a value already there is never overwritten');
    assert.equal(lead.UTM_MEDIUM, 'cpc', 'the empty UTM field is filled');
    assert.equal(lead.UTM_CAMPAIGN, 'brand');
    assert.equal(lead.UF_CRM_RS_TERM, 'typed by hand', 'a filled custom field is kept');
    assert.equal(lead.UF_CRM_RS_GACID, 'GA1.2.555.666', 'an empty custom field is filled');
    assert.equal(lead.SOURCE_ID, 'WEB', 'the other integration\'s source stays');
    assert.equal(lead.TITLE, 'Website form');
    assert.equal(ownerOf(lead), PETRO);
    assert.equal(run.result.outcome, 'task-on-existing');
    const record = only(tasksOfCall(run.crm, run.callId), 'task of the call');
    assertTask(record, { responsible: PETRO, status: 'completed', bindings: [`L_${leadId}`] });
  });
});
