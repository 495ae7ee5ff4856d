/**
 * decisions/ runs inside the Temporal workflow sandbox: it must be pure and deterministic. This
 * scans its source for what would break replay, and checks that planning never mutates its input.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { planEntities, planRecords } from '../../decisions';
import { contactClient, facts, NEW, OLENA, project } from '../fixtures/decisions-world';

const dir = join(__dirname, '..', '..', 'decisions');
const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));

void describe('decisions/ purity', () => {
  void test('no clock, randomness, I/O or non-type imports of zod, node:, libphonenumber', () => {
    assert.ok(files.length >= 8);
    for (const file of files) {
      const source = readFileSync(join(dir, file), 'utf8');
      assert.doesNotMatch(source, /Date\.now|new Date\(\)|Math\.random|performance\.now|process\.|setTimeout|setInterval|require\(/, file);
      for (const line of source.split('\n').filter((l) => /^import /.test(l))) {
        assert.ok(/^import type /.test(line) || /from '\.\/[a-z-]+'/.test(line), `${file}: ${line}`);
      }
    }
  });

  void test('the same input gives the same plan, and the input is not mutated', () => {
    const input = { facts: facts(), client: contactClient(OLENA), project: project(), stage: 'ended' as const };
    const frozen = JSON.stringify(input);
    const first = planEntities(input);
    assert.deepEqual(planEntities(input), first);
    const records = planRecords({ ...input, created: { leadId: 1 } });
    assert.deepEqual(planRecords({ ...input, created: { leadId: 1 } }), records);
    assert.equal(JSON.stringify(input), frozen);
    assert.doesNotThrow(() => planRecords({ facts: Object.freeze(facts()), client: NEW, project: project(), created: Object.freeze({}) }));
  });
});
