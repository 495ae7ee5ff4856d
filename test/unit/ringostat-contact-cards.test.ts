/** B9: what one contact-book entry says, and which card of a client wins in a batch. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { contactOf, latestPerClient, portalBaseUrl } from '../../ringostat/contact-cards';
import { bridgeConfigSchema } from '../../schemas/project-config';
import type { ContactCardMessage } from '../../schemas/contact-card';

const project = bridgeConfigSchema.parse({
  projects: [{
    id: 'acme', seniorManager: 1, bitrix24: { webhookUrl: 'https://acme.bitrix24.ua/rest/1/s3cr3tc0de/' },
    employees: [{ code: '101', name: 'Olena Koval', bitrix24UserId: 7 }],
    ringostat: { apiKey: 'rs-key-0123456789', projectId: '123456' },
  }],
}).projects[0]!;
const card = (over: Partial<ContactCardMessage> = {}): ContactCardMessage => ({
  projectId: 'acme', callId: 'c1', clientE164: '+380981234567', publishedAt: '2026-11-25T10:00:00.000Z', ...over,
});

describe('Smart Phone contact entries', () => {
  it('links the portal\'s contact, lead and deal, never the webhook secret', () => {
    const base = portalBaseUrl(project);
    assert.equal(base, 'https://acme.bitrix24.ua');
    const entry = contactOf(card({ leadId: 5, contactId: 9, dealId: 3, responsibleUserId: 7, clientName: 'Ivan' }), project, base);
    assert.deepEqual(entry, {
      projectId: 123456, fullName: 'Ivan', origin: 'Bitrix24', externalId: '+380981234567', leadId: '5', responsible: '7', staffId: '101',
      contactLink: 'https://acme.bitrix24.ua/crm/contact/details/9/', leadLink: 'https://acme.bitrix24.ua/crm/lead/details/5/',
      dealLink: 'https://acme.bitrix24.ua/crm/deal/details/3/', googleClientId: null,
      contactDirections: [{ type: 'phone', name: 'work', value: '+380981234567' }], organizations: [],
    });
    assert.ok(!JSON.stringify(entry).includes('s3cr3tc0de'));
  });

  it('without a name or a mapped employee: the number as the name, no staff id', () => {
    const entry = contactOf(card({ responsibleUserId: 1 }), project, 'https://acme.bitrix24.ua');
    assert.equal(entry.fullName, '+380981234567');
    assert.equal(entry.responsible, '1');
    assert.equal(entry.staffId, null);
    assert.equal(entry.leadLink, null);
  });

  it('keeps the newest card per client', () => {
    const latest = latestPerClient([
      card({ callId: 'a', leadId: 1 }),
      card({ callId: 'b', clientE164: '+380501112233' }),
      card({ callId: 'c', leadId: 1, dealId: 2, publishedAt: '2026-11-25T10:05:00.000Z' }),
      card({ callId: 'd', publishedAt: '2026-11-25T09:00:00.000Z' }),
    ]);
    assert.deepEqual(latest.map((c) => c.callId).sort(), ['b', 'c']);
  });
});
