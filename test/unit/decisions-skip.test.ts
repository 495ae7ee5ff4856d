/** S7: internal calls, transit calls and transferred legs write nothing; the outcome says why. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { planEntities, planRecords, skipReason } from '../../decisions';
import type { CallFacts } from '../../schemas/crm-plan';
import { contactClient, facts, NEW, openLead, OLENA, project } from '../fixtures/decisions-world';

const cases: Array<[string, Partial<CallFacts>, string]> = [
  ['internal call between employees', { internal: true }, 'internal'],
  ['transit call', { direction: 'transit' }, 'transit'],
  ['transferred leg (transferredFrom set)', { transferred: true }, 'transferred'],
];

void describe('S7 skip rules', () => {
  for (const [name, overrides, reason] of cases) {
    void test(`S7 ${name}: skipped-${reason}, no entity, no task, for every client state`, () => {
      for (const client of [NEW, openLead(OLENA), contactClient(OLENA)]) {
        const f = facts(overrides);
        assert.equal(skipReason(f), reason);
        for (const stage of ['ringing', 'answered', 'ended'] as const) {
          const plan = planEntities({ facts: f, client, project: project({ scenario: { createOn: 'ringing' } }), stage });
          assert.deepEqual(plan, { skip: reason, fillEmpty: [] });
        }
        assert.deepEqual(planRecords({ facts: f, client, project: project(), created: {} }), { tasks: [], outcome: `skipped-${reason}` });
      }
    });
  }

  void test('S7 an ordinary call is not skipped; internal wins when several reasons apply', () => {
    assert.equal(skipReason(facts()), undefined);
    assert.equal(skipReason(facts({ internal: true, transferred: true, direction: 'transit' })), 'internal');
    assert.equal(skipReason(facts({ transferred: true, direction: 'transit' })), 'transit');
  });

  void test('S7 an outgoing transferred leg is skipped too (only the first manager\'s leg is written)', () => {
    assert.equal(planRecords({ facts: facts({ direction: 'outgoing', transferred: true }), client: openLead(OLENA), project: project(), created: {} }).outcome, 'skipped-transferred');
  });
});
