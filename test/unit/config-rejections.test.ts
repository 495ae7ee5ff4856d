/**
 * Config that cannot work is refused (docs/contracts.md §2): phones that do not normalise,
 * unknown countries, e-mails and URLs that are none, unknown keys — each with a message naming
 * the field and what is wrong with its value; and the JSON Schema (`config schema`) refuses
 * what it can see as `config check` does, while accepting what `config check` accepts.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import Ajv2020 from 'ajv/dist/2020';
import YAML from 'yaml';
import { ConfigError, parseConfig } from '../../config/config-loader';
import { configJsonSchema } from '../../config/json-schema-export';
import { routingEmployee } from '../../http/routing/responsible-resolver';
import { projectConfigSchema } from '../../schemas/project-config';

const HOOK = 'https://acme.bitrix24.ua/rest/1/s3cr3tc0de/';
const env = { ACME_B24_WEBHOOK: HOOK };

function configOf(project: Record<string, unknown>, employees?: unknown[]): Record<string, unknown> {
  return { projects: [{ id: 'acme', bitrix24: { webhookUrl: '${ACME_B24_WEBHOOK}' }, seniorManager: 1, ...(employees ? { employees } : {}), ...project }] };
}

const employee = (fields: Record<string, unknown>) => ({ code: '101', name: 'Olena', bitrix24UserId: 7, ...fields });

function issuesOf(config: unknown): string[] {
  try {
    parseConfig(JSON.stringify(config), 'json', env);
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err.issues;
  }
  assert.fail('config check accepted it');
}

const validate = new Ajv2020({ allErrors: true, strict: false }).compile(configJsonSchema());

void describe('config check refuses values that cannot work', () => {
  void test('B1 phones that are not phone numbers of the project\'s country, each named by its path', () => {
    const issues = issuesOf(configOf({}, [employee({ code: '100' }), employee({ phones: ['hello', '12', '+380671112233', '067 111 22 33'] })]));
    assert.deepEqual(issues, [
      'projects[0].employees[1].phones[0]: "hello" is not a valid phone number',
      'projects[0].employees[1].phones[1]: "12" is not a valid phone number (without a leading +, it is read as a UA number)',
    ]);
  });

  void test('B1 a national number is read in defaultCountry: valid in Poland, not in Ukraine', () => {
    assert.doesNotThrow(() => parseConfig(JSON.stringify(configOf({ defaultCountry: 'PL' }, [employee({ phones: ['22 123 45 67'] })])), 'json', env));
    assert.deepEqual(issuesOf(configOf({}, [employee({ phones: ['22 123 45 67'] })])), [
      'projects[0].employees[0].phones[0]: "22 123 45 67" is not a valid phone number (without a leading +, it is read as a UA number)',
    ]);
  });

  void test('B1 defaultCountry must be a country libphonenumber-js knows', () => {
    for (const country of ['XX', 'ua', 'UKR']) {
      assert.deepEqual(issuesOf(configOf({ defaultCountry: country })), [
        `projects[0].defaultCountry: "${country}" is not a country code libphonenumber-js knows (ISO 3166-1 alpha-2 in capitals, e.g. UA, PL, DE)`,
      ]);
    }
  });

  void test('an e-mail that is not one', () => {
    assert.deepEqual(issuesOf(configOf({}, [employee({ email: 'not-an-email' })])), ['projects[0].employees[0].email: "not-an-email" is not an e-mail address']);
    assert.doesNotThrow(() => parseConfig(JSON.stringify(configOf({}, [employee({ email: 'olena@acme.example' })])), 'json', env));
  });

  void test('URLs that are none: Ringostat\'s baseUrl quoted, the webhook never (its secret)', () => {
    const ringostat = { apiKey: 'k3y-k3y-k3y', projectId: '123' };
    assert.deepEqual(issuesOf(configOf({ ringostat: { ...ringostat, baseUrl: 'api.ringostat' } })), [
      'projects[0].ringostat.baseUrl: "api.ringostat" is not an http(s) URL like https://api.ringostat.net',
    ]);
    assert.deepEqual(issuesOf(configOf({ ringostat: { ...ringostat, baseUrl: 'ftp://api.ringostat.net' } })), [
      'projects[0].ringostat.baseUrl: "ftp://api.ringostat.net" is not an http(s) URL like https://api.ringostat.net',
    ]);
    const webhook = issuesOf({ projects: [{ id: 'acme', bitrix24: { webhookUrl: 'not a url s3cr3tc0de' }, seniorManager: 1 }] });
    assert.equal(webhook.length, 1, webhook.join('\n'));
    assert.match(webhook[0] ?? '', /^projects\[0\]\.bitrix24\.webhookUrl: /);
    assert.doesNotMatch(webhook[0] ?? '', /s3cr3tc0de/);
  });

  void test('an unknown key anywhere, nested ones included', () => {
    assert.deepEqual(issuesOf(configOf({ bitrix24: { webhookUrl: '${ACME_B24_WEBHOOK}', rateLimit: { perSecond: 2, burts: 50 } } })), [
      'projects[0].bitrix24.rateLimit.burts: unknown field (did you mean "burst"?)',
      'projects[0].bitrix24.rateLimit.burst: is required (number)',
    ]);
    assert.deepEqual(issuesOf(configOf({}, [employee({ phone: ['+380671112233'] })])), ['projects[0].employees[0].phone: unknown field (did you mean "phones"?)']);
  });

  void test('the schema itself (not only the loader) refuses an unknown key and a bad phone', () => {
    const base = { id: 'acme', bitrix24: { webhookUrl: HOOK }, seniorManager: 1 };
    assert.equal(projectConfigSchema.safeParse({ ...base, scenaro: {} }).success, false);
    assert.equal(projectConfigSchema.safeParse({ ...base, employees: [employee({ phones: ['12'] })] }).success, false);
  });
});

void describe('at run time a phone is used in E.164 or not at all', () => {
  void test('B1 routingEmployee hands Ringostat E.164 numbers and drops one that does not normalise', () => {
    // A config built around the schema (as tests and old callers may) still never leaks a raw number.
    const routed = routingEmployee({ code: '1', name: 'O', bitrix24UserId: 7, sip: [], phones: ['067 111 22 33', 'hello'], missedCallDistribution: false }, 'UA');
    assert.deepEqual(routed.phones, ['+380671112233']);
  });
});

void describe('the JSON Schema is as strict as config check', () => {
  void test('it refuses the typo\'d key config check refuses', () => {
    const typo = configOf({ scenaro: { entities: 'lead' } });
    assert.deepEqual(issuesOf(typo), ['projects[0].scenaro: unknown field (did you mean "scenario"?)']);
    assert.equal(validate(typo), false);
    assert.ok(validate.errors?.some((e) => e.keyword === 'additionalProperties' && (e.params as { additionalProperty?: string }).additionalProperty === 'scenaro'), JSON.stringify(validate.errors));
  });

  void test('it refuses a typo\'d key at the top, in employees and in the ringostat block', () => {
    assert.equal(validate({ ...configOf({}), project: [] }), false);
    assert.equal(validate(configOf({}, [employee({ emial: 'a@b.example' })])), false);
    assert.equal(validate(configOf({ ringostat: { apiKey: 'k3y-k3y-k3y', projectId: '123', reconcileEvry: '5m' } })), false);
  });

  void test('it refuses a phone that is no number, an unknown country, a bad e-mail', () => {
    assert.equal(validate(configOf({}, [employee({ phones: ['hello'] })])), false);
    assert.equal(validate(configOf({ defaultCountry: 'XX' })), false);
    assert.equal(validate(configOf({}, [employee({ email: 'not-an-email' })])), false);
  });

  void test('it accepts the example config, ${VAR} references in constrained fields included', async () => {
    const example = YAML.parse(await readFile(join(__dirname, '..', 'fixtures', 'config.example.yaml'), 'utf8')) as unknown;
    assert.ok(validate(example), JSON.stringify(validate.errors));
    const withRefs = configOf({ seniorManager: '${SENIOR_ID}', defaultCountry: '${COUNTRY:-UA}', ingestToken: '${TOKEN}' }, [employee({ phones: ['${OLENA_PHONE}'] })]);
    assert.ok(validate(withRefs), JSON.stringify(validate.errors));
  });
});
