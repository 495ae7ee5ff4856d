/** R6 config loading: JSON and YAML, ${VAR} references, field-named errors, S9 duplicates, time zones. */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ConfigError, formatPath, loadConfig, parseConfig } from '../../config/config-loader';

const fixtures = join(__dirname, '..', 'fixtures');
const HOOK = 'https://acme.bitrix24.ua/rest/1/s3cr3tc0de/';
const env = { ACME_B24_WEBHOOK: HOOK };

const minimal = (project: Record<string, unknown> = {}) => JSON.stringify({
  projects: [{ id: 'acme', bitrix24: { webhookUrl: '${ACME_B24_WEBHOOK}' }, seniorManager: 1, ...project }],
});

/** The issues of a config that must be rejected. */
function issuesOf(text: string, format: 'json' | 'yaml' = 'json', vars: Record<string, string> = env): string[] {
  try {
    parseConfig(text, format, vars);
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    assert.ok(err.message.includes(err.issues[0] ?? '<none>'));
    return err.issues;
  }
  assert.fail('config was accepted');
}

void describe('valid configs', () => {
  void test('R6 the example YAML (docs/contracts.md §2) loads, with the webhook from the environment', async () => {
    const config = await loadConfig(join(fixtures, 'config.example.yaml'), env);
    const [acme] = config.projects;
    assert.equal(acme?.id, 'acme');
    assert.equal(acme?.bitrix24.webhookUrl, HOOK);
    assert.equal(acme?.timeZone, 'Europe/Kyiv');
    assert.deepEqual(acme?.customFields.lead, { utmTerm: 'UF_CRM_RS_TERM', gaClientId: 'UF_CRM_RS_GACID' });
    assert.deepEqual(acme?.pipelines, [{ categoryId: 3, param: 'poolName', equals: 'Контекстная реклама' }]);
    assert.deepEqual(acme?.employees[1]?.sip, ['petro_sip', 'petro@pbx.acme.example']);
    assert.deepEqual(acme?.bitrix24.rateLimit, { perSecond: 2, burst: 50 });
  });

  void test('R6 the example JSON loads; omitted settings take their defaults', async () => {
    const config = await loadConfig(join(fixtures, 'config.example.json'), env);
    const scenario = config.projects[0]?.scenario;
    assert.deepEqual(scenario, { entities: 'deal+contact', createOn: 'completion', leadOnlyIfNoContact: false, contactOwnerTaskHours: 2, missedNewClientAssignee: 'senior' });
    assert.deepEqual(config.projects[0]?.routing.order, ['lead', 'deal', 'contact']);
  });

  void test('R6 the result is deeply frozen', () => {
    const config = parseConfig(minimal(), 'json', env);
    assert.ok(Object.isFrozen(config));
    assert.ok(Object.isFrozen(config.projects[0]?.scenario));
    assert.throws(() => { (config.projects as unknown[]).push({}); }, TypeError);
  });

  void test('R6 a loopback http:// webhook is accepted (the sandbox)', () => {
    const config = parseConfig(minimal({ bitrix24: { webhookUrl: 'http://127.0.0.1:4010/rest/1/abcd1234/' } }), 'json', {});
    assert.equal(config.projects[0]?.bitrix24.webhookUrl, 'http://127.0.0.1:4010/rest/1/abcd1234/');
  });
});

void describe('environment references', () => {
  void test('R6 ${VAR} inside a string, ${VAR:-default}, and whole-value numbers and flags', () => {
    const yaml = [
      'projects:',
      '  - id: ${PROJECT:-acme}',
      '    bitrix24: { webhookUrl: "https://${PORTAL}/rest/1/${SECRET}/" }',
      '    seniorManager: ${SENIOR_ID}',
      '    resendOnReactivation: ${RESEND}',
    ].join('\n');
    const config = parseConfig(yaml, 'yaml', { PORTAL: 'acme.bitrix24.ua', SECRET: 'abc123xyz', SENIOR_ID: '42', RESEND: 'false' });
    assert.equal(config.projects[0]?.id, 'acme');
    assert.equal(config.projects[0]?.bitrix24.webhookUrl, 'https://acme.bitrix24.ua/rest/1/abc123xyz/');
    assert.equal(config.projects[0]?.seniorManager, 42);
    assert.equal(config.projects[0]?.resendOnReactivation, false);
  });

  void test('R6 a missing variable is an error naming the variable and the field (once, not also as a type error)', () => {
    const issues = issuesOf(minimal({ seniorManager: '${SENIOR_ID}' }), 'json', {});
    assert.deepEqual(issues, [
      'projects[0].bitrix24.webhookUrl: environment variable ACME_B24_WEBHOOK is not set',
      'projects[0].seniorManager: environment variable SENIOR_ID is not set',
    ]);
  });

  void test('R6 a malformed reference is reported', () => {
    assert.deepEqual(issuesOf(minimal({ bitrix24: { webhookUrl: '${ACME-HOOK}' } })), [
      'projects[0].bitrix24.webhookUrl: malformed environment reference (write ${NAME} or ${NAME:-default})',
    ]);
  });

  void test('R4 an error never quotes the webhook secret', () => {
    const issues = issuesOf(minimal({ bitrix24: { webhookUrl: 'https://acme.bitrix24.ua/rest/x/s3cr3tc0de/' } }));
    assert.equal(issues.length, 1);
    assert.match(issues[0] ?? '', /^projects\[0\]\.bitrix24\.webhookUrl: .*user id/);
    assert.ok(!issues.join().includes('s3cr3tc0de'));
  });
});

void describe('errors name the field', () => {
  void test('R6 a missing required field', () => {
    assert.deepEqual(issuesOf(JSON.stringify({ projects: [{ id: 'acme', bitrix24: { webhookUrl: HOOK } }] })),
      ['projects[0].seniorManager: is required (number)']);
  });

  void test('R6 a wrong type and a bad enum value, all reported at once', () => {
    const issues = issuesOf(minimal({ seniorManager: 'boss', scenario: { entities: 'leads', contactOwnerTaskHours: -1 } }));
    assert.equal(issues.length, 3);
    assert.ok(issues.some((i) => i.startsWith('projects[0].seniorManager: expected number, received string')), issues.join('\n'));
    assert.ok(issues.some((i) => i.startsWith('projects[0].scenario.entities: ')), issues.join('\n'));
    assert.ok(issues.some((i) => i.startsWith('projects[0].scenario.contactOwnerTaskHours: ')), issues.join('\n'));
  });

  void test('R6 an unknown field (typo) is rejected with a suggestion instead of silently ignored', () => {
    assert.deepEqual(issuesOf(minimal({ scenaro: { entities: 'lead' } })), ['projects[0].scenaro: unknown field (did you mean "scenario"?)']);
    assert.deepEqual(issuesOf(minimal({ employees: [{ code: '1', name: 'A', bitrix24UserId: 2, extention: '1' }] })),
      ['projects[0].employees[0].extention: unknown field (did you mean "extension"?)']);
  });

  void test('S9 duplicate custom-field mapping is rejected with both parameters named', () => {
    const issues = issuesOf(minimal({ customFields: { lead: { gaClientId: 'UF_CRM_X', utmTerm: 'UF_CRM_X' } } }));
    assert.deepEqual(issues, ['projects[0].customFields.lead.utmTerm: UF_CRM_X is already mapped from "gaClientId": two parameters may not map to one field']);
  });

  void test('S9 a target that is not a UF_CRM_* field is rejected', () => {
    assert.match(issuesOf(minimal({ customFields: { deal: { poolName: 'TITLE' } } }))[0] ?? '', /^projects\[0\]\.customFields\.deal\.poolName: must be a Bitrix24 user field/);
  });

  void test('R6 an unknown time zone is rejected', () => {
    assert.deepEqual(issuesOf(minimal({ timeZone: 'Europe/Kiev-ish' })), ['projects[0].timeZone: unknown IANA time zone "Europe/Kiev-ish"']);
  });

  void test('M3 a non-loopback http:// webhook, or one without /rest/{user}/{secret}, is rejected', () => {
    assert.match(issuesOf(minimal({ bitrix24: { webhookUrl: 'http://acme.bitrix24.ua/rest/1/abcd1234/' } }))[0] ?? '', /^projects\[0\]\.bitrix24\.webhookUrl: .*https/);
    assert.match(issuesOf(minimal({ bitrix24: { webhookUrl: 'https://acme.bitrix24.ua/api/' } }))[0] ?? '', /^projects\[0\]\.bitrix24\.webhookUrl: .*\/rest\//);
  });

  void test('M2 duplicate employee codes, extensions and SIP logins are rejected', () => {
    const e = (code: string, extension: string, sip: string[]) => ({ code, name: code, bitrix24UserId: 5, extension, sip });
    assert.deepEqual(issuesOf(minimal({ employees: [e('1', '10', []), e('1', '11', [])] })), ['projects[0].employees[1].code: duplicate employee code "1"']);
    assert.deepEqual(issuesOf(minimal({ employees: [e('1', '10', ['a_sip']), e('2', '10', ['A_SIP'])] })), [
      'projects[0].employees[1].extension: extension "10" already belongs to employee "1"',
      'projects[0].employees[1].sip[0]: SIP login "a_sip" already belongs to employee "1"',
    ]);
  });

  void test('R6 duplicate project ids and an empty project list', () => {
    assert.deepEqual(issuesOf(JSON.stringify({ projects: [] })), ['projects: at least one project is required']);
    const twice = JSON.stringify({ projects: [0, 1].map(() => ({ id: 'acme', bitrix24: { webhookUrl: HOOK }, seniorManager: 1 })) });
    assert.deepEqual(issuesOf(twice), ['projects[1].id: duplicate project id "acme"']);
  });

  void test('R6 syntax errors: bad JSON, bad YAML (with its line, without quoting the file), not an object', () => {
    assert.match(issuesOf('{ "projects": [', 'json')[0] ?? '', /^\(root\): not valid JSON/);
    const yaml = issuesOf('projects:\n  - id: acme\n   bad: [\n', 'yaml');
    assert.match(yaml[0] ?? '', /^\(root\): not valid YAML: .*line \d+/);
    assert.deepEqual(issuesOf('- 1\n- 2\n', 'yaml'), ['(root): expected an object with a "projects" list']);
  });

  void test('R6 loadConfig names the file it cannot read, and the file in the error message', async () => {
    await assert.rejects(loadConfig('/nonexistent/bridge.yaml', env), (err: unknown) =>
      err instanceof ConfigError && err.issues[0] === '(file): cannot read /nonexistent/bridge.yaml: ENOENT');
    const dir = mkdtempSync(join(tmpdir(), 'config-test-'));
    const file = join(dir, 'bad.json');
    writeFileSync(file, minimal({ timeZone: 'Mars/Olympus' }));
    await assert.rejects(loadConfig(file, env), (err: unknown) => err instanceof ConfigError && err.message.startsWith(`${file} is invalid (1 problem)`));
  });

  void test('formatPath writes paths the way they read in the file', () => {
    assert.equal(formatPath(['projects', 0, 'customFields', 'lead', 'utmTerm']), 'projects[0].customFields.lead.utmTerm');
    assert.equal(formatPath(['projects', 0, 'customFields', 'lead', 'ad-group']), 'projects[0].customFields.lead["ad-group"]');
    assert.equal(formatPath([]), '(root)');
  });
});
