/**
 * The same client against a REAL Bitrix24 portal, read-only, when BITRIX24_TEST_WEBHOOK is set
 * (`https://{portal}/rest/{user_id}/{secret}/`; optional BITRIX24_TEST_COUNTRY, default UA).
 * Nothing is written. Skipped otherwise.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createBitrixClient } from '../../bitrix/client';
import { checkWebhook, lookupByPhone } from '../../bitrix/crm';
import { BitrixBadRequestError } from '../../bitrix/errors';
import { parseWebhookUrl } from '../../bitrix/webhook-url';

const url = process.env.BITRIX24_TEST_WEBHOOK;
const country = process.env.BITRIX24_TEST_COUNTRY ?? 'UA';

void describe('bitrix client against a real portal (read-only)', { skip: url ? false : 'BITRIX24_TEST_WEBHOOK is not set' }, () => {
  const client = () => createBitrixClient({ webhook: parseWebhookUrl(url ?? ''), autoBatch: true, timeoutMs: 20_000 });

  void it('profile names the webhook owner', async () => {
    const profile = await client().call<{ ID: string }>('profile');
    assert.equal(Number(profile.ID), parseWebhookUrl(url ?? '').userId);
  });

  void it('checkWebhook loads the active users (M3)', async () => {
    const check = await checkWebhook(client());
    assert.ok(check.activeUsers.length >= 1);
    assert.ok(check.activeUsers.every((u) => u.active && u.id > 0));
  });

  void it('a batch with a bad command classifies it and keeps the good one', async () => {
    const out = await client().batch({ me: { method: 'profile' }, missing: { method: 'crm.lead.get', params: { id: 2_000_000_000 } } });
    assert.ok(out.results.me);
    assert.ok(out.errors.missing instanceof BitrixBadRequestError);
  });

  void it('lookupByPhone runs end to end (an unlikely number: expect nothing or a valid shape)', async () => {
    const found = await lookupByPhone(client(), country === 'UA' ? '+380990000001' : '+12015550199', country);
    for (const ref of [...found.leads, ...found.contacts, ...found.deals]) assert.ok(ref.id > 0);
  });

  void it('listAll pages a list method', async () => {
    const rows = await client().listAll('crm.lead.list', { select: ['ID'] }, { limit: 60 });
    assert.ok(rows.length <= 60);
  });
});
