/**
 * `bridge config check` and `bridge config schema` run as an operator runs them: the real CLI
 * in a child process, so exit codes and the stdout/stderr split are what a script sees (R6).
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { spawnCli } from '../../tools/testkit/run-cli';

const SECRET = 'abcdefghijklmnop';

/** The real binary, as an operator runs it; the parent's CONFIG_PATH never leaks into the child. */
const cli = (args: string[], env: Record<string, string | undefined> = {}) => spawnCli(args, { env });

const validYaml = `
projects:
  - id: acme
    timeZone: Europe/Kyiv
    defaultCountry: UA
    bitrix24:
      webhookUrl: \${ACME_B24_WEBHOOK}
    seniorManager: 1
    employees:
      - code: "101"
        name: Olena Koval
        bitrix24UserId: 7
        extension: "101"
        sip: [olena_sip]
        phones: ["+380671112233"]
        missedCallDistribution: true
    scenario: { entities: lead, createOn: answer }
    customFields:
      lead: { utmTerm: UF_CRM_RS_TERM, gaClientId: UF_CRM_RS_GACID }
    pipelines:
      - { categoryId: 3, param: poolName, equals: "Контекстная реклама" }
    routing: { order: [lead, deal, contact] }
  - id: beta
    timeZone: America/New_York
    bitrix24: { webhookUrl: "http://127.0.0.1:1/rest/1/${SECRET}/" }
    seniorManager: 2
`;

/** Wrong shapes: a bad enum, a missing field, a wrong type, a typo'd key, a webhook with no user id. */
const invalidYaml = `
projects:
  - id: acme
    bitrix24: { webhookUrl: "http://127.0.0.1:1/rest/1/${SECRET}/" }
    seniorManager: 1
    scenario: { createOn: lunchtime }
    employees:
      - { code: "101", name: Olena, bitrix24UserId: seven }
  - id: beta
    bitrix24: { webhookUrl: "https://beta.bitrix24.ua/rest/${SECRET}/" }
    scenaro: { createOn: answer }
`;

/**
 * Shapes right, rules broken: checked by the schema's refinements, which zod runs only once the
 * shapes parse — so an operator sees these after fixing the ones above.
 */
const brokenRulesYaml = `
projects:
  - id: acme
    timeZone: Mars/Olympus
    bitrix24: { webhookUrl: "http://127.0.0.1:1/rest/1/${SECRET}/" }
    seniorManager: 1
    customFields:
      lead: { utmTerm: UF_CRM_RS_TERM, gaClientId: UF_CRM_RS_TERM }
`;

/** Issue 17's values that once passed: phones that are no numbers, an unknown country, an e-mail that is none. */
const cannotWorkYaml = `
projects:
  - id: acme
    defaultCountry: XX
    bitrix24: { webhookUrl: "http://127.0.0.1:1/rest/1/${SECRET}/" }
    seniorManager: 1
    employees:
      - { code: "101", name: Olena, bitrix24UserId: 7, email: not-an-email, phones: [hello, "12"] }
`;

describe('CLI config check (R6, docs/contracts.md §4)', () => {
  let dir: string;
  let valid: string;
  let validJson: string;
  let invalid: string;
  let brokenRules: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bridge-config-check-'));
    valid = join(dir, 'valid.yaml');
    validJson = join(dir, 'valid.json');
    invalid = join(dir, 'invalid.yaml');
    await writeFile(valid, validYaml);
    await writeFile(invalid, invalidYaml);
    brokenRules = join(dir, 'broken-rules.yaml');
    await writeFile(brokenRules, brokenRulesYaml);
    await writeFile(validJson, JSON.stringify({
      projects: [{ id: 'solo', bitrix24: { webhookUrl: `http://127.0.0.1:1/rest/1/${SECRET}/` }, seniorManager: 1 }],
    }));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('R6 a valid YAML config: exit 0, "OK" with the project ids, env references resolved', async () => {
    const run = await cli(['config', 'check', valid], { ACME_B24_WEBHOOK: `https://acme.bitrix24.ua/rest/7/${SECRET}/` });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, 'OK: 2 projects (acme, beta)\n');
  });

  it('R6 a valid JSON config given by --config, and by CONFIG_PATH', async () => {
    const byOption = await cli(['config', 'check', '--config', validJson]);
    assert.equal(byOption.code, 0, byOption.stderr);
    assert.equal(byOption.stdout, 'OK: 1 project (solo)\n');
    const byEnv = await cli(['config', 'check'], { CONFIG_PATH: validJson });
    assert.equal(byEnv.code, 0, byEnv.stderr);
    assert.equal(byEnv.stdout, 'OK: 1 project (solo)\n');
  });

  /** Runs `config check` on a file expected to fail; returns the issue lines (without the final error line). */
  async function expectIssues(file: string, fields: string[]): Promise<string[]> {
    const run = await cli(['config', 'check', file]);
    assert.equal(run.code, 1, run.stdout);
    assert.equal(run.stdout, '');
    const lines = run.stderr.trim().split('\n');
    const last = lines.pop() ?? '';
    assert.match(last, /^error: .*\.yaml is invalid \(\d+ problems?\)$/);
    assert.match(last, new RegExp(`\\(${lines.length} problem`), 'the count matches the lines printed');
    for (const field of fields) {
      assert.ok(lines.some((line) => line.startsWith(`${field}: `)), `a line names ${field}:\n${run.stderr}`);
    }
    assert.ok(!run.stderr.includes(SECRET), 'the webhook secret is never printed (R4)');
    return lines;
  }

  it('R6 an invalid config: exit 1, one line per problem, each naming its field', async () => {
    const lines = await expectIssues(invalid, [
      'projects[0].scenario.createOn', 'projects[0].employees[0].bitrix24UserId', 'projects[1].seniorManager',
      'projects[1].bitrix24.webhookUrl', 'projects[1].scenaro',
    ]);
    assert.ok(lines.some((line) => line.includes('did you mean "scenario"')), lines.join('\n'));
  });

  it('R6 broken rules (unknown time zone, S9 two parameters on one field) name their fields too', async () => {
    await expectIssues(brokenRules, ['projects[0].timeZone', 'projects[0].customFields.lead.gaClientId']);
  });

  it('values that cannot work are refused, each line naming the field and quoting the value', async () => {
    const file = join(dir, 'cannot-work.yaml');
    await writeFile(file, cannotWorkYaml);
    const lines = await expectIssues(file, ['projects[0].defaultCountry', 'projects[0].employees[0].email', 'projects[0].employees[0].phones[0]']);
    assert.ok(lines.includes('projects[0].employees[0].phones[0]: "hello" is not a valid phone number'), lines.join('\n'));
    assert.ok(lines.includes('projects[0].employees[0].email: "not-an-email" is not an e-mail address'), lines.join('\n'));
    assert.ok(lines.some((line) => line.startsWith('projects[0].defaultCountry: "XX" is not a country code')), lines.join('\n'));
  });

  it('R6 an unset environment reference names the field and the variable', async () => {
    const run = await cli(['config', 'check', valid], { ACME_B24_WEBHOOK: undefined });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^projects\[0\]\.bitrix24\.webhookUrl: .*ACME_B24_WEBHOOK/m);
  });

  it('R6 a missing file or no file at all: exit 1 with a plain message', async () => {
    const missing = await cli(['config', 'check', join(dir, 'nope.yaml')]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /cannot read/);
    const none = await cli(['config', 'check']);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /^error: no config/m);
  });

  it('config schema prints the config (default) or the event JSON Schema', async () => {
    const config = await cli(['config', 'schema']);
    assert.equal(config.code, 0, config.stderr);
    const configSchema = JSON.parse(config.stdout) as { properties?: Record<string, unknown> };
    assert.ok(configSchema.properties?.projects, 'the config schema describes projects');

    for (const args of [['config', 'schema', 'event'], ['config', 'schema', '--event']]) {
      const event = await cli(args);
      assert.equal(event.code, 0, event.stderr);
      const eventSchema = JSON.parse(event.stdout) as { title?: string; properties?: Record<string, unknown> };
      assert.equal(eventSchema.title, 'ringostat.call-event/v1');
      assert.ok(eventSchema.properties?.callId);
    }
  });
});
