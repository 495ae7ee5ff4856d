/** M3, R4: webhook URL parsing; an error names what is wrong and never contains the secret. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeWebhook, InvalidWebhookError, methodUrl, parseWebhookUrl, toWebhookCredentials, webhookFromParts } from '../../bitrix/webhook-url';
import { isLoopbackHost } from '../../platform/loopback';

const SECRET = 'k3yS3cr3tAbc123x';

function refused(input: () => unknown, mentions: RegExp): void {
  assert.throws(input, (err: unknown) => {
    assert.ok(err instanceof InvalidWebhookError);
    assert.equal(err.name, 'InvalidWebhook');
    assert.match(err.message, mentions);
    assert.ok(!err.message.includes(SECRET), `secret leaked: ${err.message}`);
    assert.ok(!String(err.stack).includes(SECRET), 'secret leaked in the stack');
    return true;
  });
}

void describe('parseWebhookUrl', () => {
  void it('parses https://{portal}/rest/{user_id}/{secret}/', () => {
    const creds = parseWebhookUrl(`https://acme.bitrix24.ua/rest/7/${SECRET}/`);
    assert.deepEqual(creds, { portal: 'acme.bitrix24.ua', baseUrl: 'https://acme.bitrix24.ua', userId: 7, secret: SECRET });
    assert.equal(methodUrl(creds, 'user.get'), `https://acme.bitrix24.ua/rest/7/${SECRET}/user.get.json`);
  });

  void it('accepts no trailing slash, a port, and surrounding spaces', () => {
    const creds = parseWebhookUrl(`  https://crm.example.com:8443/rest/12/${SECRET}  `);
    assert.equal(creds.portal, 'crm.example.com:8443');
    assert.equal(creds.baseUrl, 'https://crm.example.com:8443');
    assert.equal(creds.userId, 12);
  });

  void it('allows http:// only for loopback hosts (the sandbox)', () => {
    assert.equal(parseWebhookUrl(`http://127.0.0.1:4010/rest/1/${SECRET}/`).baseUrl, 'http://127.0.0.1:4010');
    assert.equal(parseWebhookUrl(`http://localhost:4010/rest/1/${SECRET}/`).portal, 'localhost:4010');
    assert.equal(parseWebhookUrl(`http://[::1]:4010/rest/1/${SECRET}/`).portal, '[::1]:4010');
    refused(() => parseWebhookUrl(`http://acme.bitrix24.ua/rest/7/${SECRET}/`), /must use https:\/\/.*localhost/);
    refused(() => parseWebhookUrl(`ftp://acme.bitrix24.ua/rest/7/${SECRET}/`), /https/);
  });

  void it('names the wrong part without echoing the secret', () => {
    refused(() => parseWebhookUrl(''), /empty/);
    refused(() => parseWebhookUrl(`acme.bitrix24.ua/rest/7/${SECRET}/`), /not a valid URL/);
    refused(() => parseWebhookUrl(`https://acme.bitrix24.ua/api/7/${SECRET}/`), /\/rest\/\{user_id\}\/\{secret\}/);
    refused(() => parseWebhookUrl(`https://acme.bitrix24.ua/rest/x7/${SECRET}/`), /user id must be a positive integer/);
    refused(() => parseWebhookUrl(`https://acme.bitrix24.ua/rest/0/${SECRET}/`), /user id/);
    refused(() => parseWebhookUrl('https://acme.bitrix24.ua/rest/7/'), /secret is missing/);
    refused(() => parseWebhookUrl(`https://acme.bitrix24.ua/rest/7/${SECRET}!!/`), /secret must be .*18 characters/);
    refused(() => parseWebhookUrl(`https://acme.bitrix24.ua/rest/7/${SECRET}/profile.json`), /extra path segments/);
    refused(() => parseWebhookUrl(`https://acme.bitrix24.ua/rest/7/${SECRET}/?x=1`), /query string/);
    refused(() => parseWebhookUrl(`https://u:${SECRET}@acme.bitrix24.ua/rest/7/${SECRET}/`), /user name or password/);
  });
});

void describe('webhookFromParts / toWebhookCredentials', () => {
  void it('builds the same credentials from the three parts', () => {
    const fromUrl = parseWebhookUrl(`https://acme.bitrix24.ua/rest/7/${SECRET}/`);
    assert.deepEqual(webhookFromParts({ portal: 'acme.bitrix24.ua', userId: 7, secret: SECRET }), fromUrl);
    assert.deepEqual(webhookFromParts({ portal: 'https://acme.bitrix24.ua/', userId: '7', secret: ` ${SECRET} ` }), fromUrl);
    assert.deepEqual(toWebhookCredentials(`https://acme.bitrix24.ua/rest/7/${SECRET}/`), fromUrl);
  });

  void it('keeps the scheme of already parsed loopback credentials', () => {
    const creds = parseWebhookUrl(`http://127.0.0.1:4010/rest/3/${SECRET}/`);
    assert.deepEqual(toWebhookCredentials(creds), creds);
  });

  void it('refuses bad parts by name', () => {
    refused(() => webhookFromParts({ portal: '', userId: 7, secret: SECRET }), /portal is empty/);
    refused(() => webhookFromParts({ portal: 'acme.bitrix24.ua/rest/7', userId: 7, secret: SECRET }), /host name/);
    refused(() => webhookFromParts({ portal: 'acme.bitrix24.ua', userId: -1, secret: SECRET }), /user id/);
    refused(() => webhookFromParts({ portal: 'acme.bitrix24.ua', userId: 7, secret: `${SECRET} x` }), /secret must be/);
  });
});

void describe('describeWebhook', () => {
  void it('masks the secret for logs', () => {
    const text = describeWebhook(parseWebhookUrl(`https://acme.bitrix24.ua/rest/7/${SECRET}/`));
    assert.equal(text, 'https://acme.bitrix24.ua/rest/7/***/');
  });

  void it('knows loopback hosts', () => {
    for (const host of ['localhost', 'LOCALHOST', 'sb.localhost', '127.0.0.1', '127.1.2.3', '[::1]']) assert.ok(isLoopbackHost(host), host);
    for (const host of ['10.0.0.1', 'acme.bitrix24.ua', '128.0.0.1', 'localhost.evil.com']) assert.ok(!isLoopbackHost(host), host);
  });
});
