/**
 * R4: the webhook secret, the ingest token and the Ringostat key reach no log line — not in
 * messages, error messages, stacks, causes, nested objects and arrays, format arguments, child
 * bindings, or a whole config object; and a request's URL is logged without its query string,
 * not censored. The real logger (platform/logger.ts) into a sink, as pino's own tests do.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseConfig } from '../../config/config-loader';
import { createLogger, type Logger } from '../../platform/logger';

const WEBHOOK_SECRET = 'w3bh00kS3cretSegment42';
const WEBHOOK = `https://acme.bitrix24.ua/rest/1/${WEBHOOK_SECRET}/`;
const INGEST_TOKEN = 'ingest-T0ken-5ecret-0123456789';
const API_KEY = 'ringostat-Ap1Key-5ecret';
const SECRETS = [WEBHOOK_SECRET, INGEST_TOKEN, API_KEY];

// Registered the way a process registers them: by reading its config at start.
const config = parseConfig(JSON.stringify({
  projects: [{
    id: 'acme', bitrix24: { webhookUrl: WEBHOOK }, seniorManager: 1, ingestToken: INGEST_TOKEN,
    ringostat: { apiKey: API_KEY, projectId: '123' },
  }],
}), 'json', {});

function sink(): { logger: Logger; lines: () => Record<string, unknown>[]; text: () => string } {
  const written: string[] = [];
  const logger = createLogger({ level: 'debug', destination: { write: (line: string) => void written.push(line) } });
  return { logger, text: () => written.join(''), lines: () => written.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

function assertNoSecret(text: string): void {
  for (const secret of SECRETS) assert.ok(!text.includes(secret), `a secret reached the log: …${text.slice(Math.max(0, text.indexOf(secret) - 80), text.indexOf(secret) + 40)}…`);
}

void describe('R4 log redaction holds', () => {
  void test('errors: message, stack, cause, AggregateError, extra fields; logged alone, under err, or nested', () => {
    const log = sink();
    const err = new Error(`POST ${WEBHOOK}crm.lead.add failed; token ${INGEST_TOKEN}`, { cause: new Error(`Auth-key ${API_KEY} refused`) });
    Object.assign(err, { response: { url: `${WEBHOOK}user.get`, headers: { 'x-key': API_KEY } } });
    log.logger.error(err);
    log.logger.error({ err }, 'Bitrix24 request failed');
    log.logger.warn({ attempt: 2, failures: [{ err }, new AggregateError([new Error(API_KEY)], `all failed: ${INGEST_TOKEN}`)] }, 'retrying');
    assertNoSecret(log.text());
    const [first] = log.lines();
    assert.match(String(first?.msg), /^POST https:\/\/acme\.bitrix24\.ua\/rest\/1\/\*\*\*\/crm\.lead\.add failed; token \[redacted\]$/, 'the message is kept, the secrets masked');
    assert.match(String((first?.err as { stack?: string }).stack), /^Error: POST https:\/\/acme\.bitrix24\.ua\/rest\/1\/\*\*\*/, 'the stack is kept, masked');
  });

  void test('plain messages, format arguments, nested objects and arrays, child bindings', () => {
    const log = sink();
    log.logger.info(`reactivating with ${WEBHOOK}`);
    log.logger.info('token %s and key %o', INGEST_TOKEN, { deep: { deeper: [API_KEY] } });
    log.logger.info({ request: { body: { calls: [{ note: `see ${WEBHOOK}` }] }, list: [[INGEST_TOKEN]] } }, 'nested');
    log.logger.child({ webhook: WEBHOOK, auth: `Bearer ${INGEST_TOKEN}` }).info({ target: new URL(`${WEBHOOK}crm.deal.add`) }, 'child');
    assertNoSecret(log.text());
    assert.equal(log.lines().length, 4);
  });

  void test('a whole config object: projects[].bitrix24.webhookUrl, ingestToken, ringostat.apiKey', () => {
    const log = sink();
    log.logger.info({ config }, 'config loaded');
    log.logger.info({ project: config.projects[0] }, 'project');
    log.logger.info(config, 'the config as the object');
    assertNoSecret(log.text());
    const [first] = log.lines();
    const project = (first?.config as { projects: { id: string; bitrix24: { webhookUrl: string } }[] }).projects[0];
    assert.equal(project?.id, 'acme', 'the rest of the config is logged');
    assert.equal(project?.bitrix24.webhookUrl, '[redacted]');
  });

  void test('an unregistered webhook (a new one on its way to reactivate) and ?token= in any text', () => {
    const log = sink();
    const fresh = 'https://other.bitrix24.ua/rest/9/n3wSecretNotInConfig/';
    log.logger.info({ note: `new hook ${fresh}`, link: 'https://bridge.example/v1/projects/x/ringostat-webhook?token=abcdefgh12345678&event=ended' }, 'x');
    assert.ok(!log.text().includes('n3wSecretNotInConfig'));
    assert.ok(!log.text().includes('abcdefgh12345678'));
    assert.match(log.text(), /event=ended/, 'other query parameters stay');
  });

  void test('req.url is logged without its query string, not censored; other url fields are left alone', () => {
    const log = sink();
    log.logger.info({ req: { method: 'GET', url: `/v1/projects/acme/responsible?phone=%2B380671112233&token=${INGEST_TOKEN}` } }, 'request');
    log.logger.info({ url: 'http://127.0.0.1:8080' }, 'HTTP service listening');
    const [request, listening] = log.lines();
    assert.deepEqual(request?.req, { method: 'GET', url: '/v1/projects/acme/responsible' });
    assert.equal(listening?.url, 'http://127.0.0.1:8080');
    assertNoSecret(log.text());
  });

  void test('the caller\'s error is not changed by logging it', () => {
    const log = sink();
    const err = new Error(`failed at ${WEBHOOK}`);
    log.logger.error({ err }, 'x');
    assert.ok(err.message.includes(WEBHOOK_SECRET));
  });
});
