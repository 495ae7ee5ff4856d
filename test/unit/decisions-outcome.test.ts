/** T1: what a call parked past its limit says when it closes (decisions/call-outcome.ts). */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parkedTooLongFailure, PARKED_TOO_LONG_OUTCOME } from '../../decisions';

void describe('a call parked past its limit (T1)', () => {
  void test('T1: its failure names the step, the outcome and the limit in days, and that nothing was written', () => {
    assert.deepEqual(parkedTooLongFailure(7 * 86_400_000), {
      step: 'parked', type: PARKED_TOO_LONG_OUTCOME,
      message: 'parked 7.0 days with no reactivation (PARKED_CALL_LIMIT_MS): closed without writing to Bitrix24',
    });
  });
  void test('T1: a limit shorter than a day is said in tenths of a day', () => {
    assert.match(parkedTooLongFailure(3 * 3_600_000).message, /^parked 0\.1 days /);
  });
});
