/** M2 line binding: an EmployeeRef finds its employee by staffId, extension, SIP login or phone; M4 c unbound. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { findEmployee, samePhone, sameSip } from '../../decisions';
import { OLENA, PETRO, project } from '../fixtures/decisions-world';

const p = project();
const userOf = (ref: Parameters<typeof findEmployee>[1]) => findEmployee(p, ref)?.bitrix24UserId;

void describe('M2 line binding', () => {
  void test('M2 by staffId (the employee code / Ringostat employee_number)', () => {
    assert.equal(userOf({ staffId: '102' }), PETRO);
  });
  void test('M2 by extension', () => {
    assert.equal(userOf({ extension: '101' }), OLENA);
  });
  void test('M2 by SIP login, any of the employee\'s accounts, case- and scheme-insensitive', () => {
    assert.equal(userOf({ sip: 'petro_sip' }), PETRO);
    assert.equal(userOf({ sip: 'sip:Olena_SIP@pbx.acme.example' }), OLENA);
    const multi = project({ employees: [{ ...p.employees[0]!, sip: ['olena_sip', 'olena@other.pbx'] }] });
    assert.equal(findEmployee(multi, { sip: 'olena@other.pbx' })?.bitrix24UserId, OLENA);
    assert.equal(findEmployee(multi, { sip: 'olena@third.pbx' }), undefined, 'two different domains are two accounts');
  });
  void test('M2 by phone, in any format: E.164, national, spaced, last 9+ digits', () => {
    for (const phone of ['+380671112233', '380671112233', '0671112233', '067 111-22-33', '671112233']) {
      assert.equal(userOf({ phone }), OLENA, phone);
    }
    assert.equal(userOf({ phone: '12233' }), undefined, 'too short a tail identifies nothing');
  });
  void test('M2 the most specific key wins: staffId over a phone that belongs to someone else', () => {
    assert.equal(userOf({ staffId: '102', phone: '+380671112233' }), PETRO);
  });
  void test('M2 a key that does not match falls through to the next one', () => {
    assert.equal(userOf({ staffId: '999', extension: '101' }), OLENA);
  });
  void test('M4 unbound: no employee matches, or no reference at all', () => {
    assert.equal(userOf({ sip: 'reception_2', extension: '555' }), undefined);
    assert.equal(userOf({ name: 'Olena Koval' }), undefined, 'names are not identifiers');
    assert.equal(userOf(undefined), undefined);
  });
  void test('samePhone / sameSip building blocks', () => {
    assert.equal(samePhone('+380 67 111 22 33', '80671112233'), true);
    assert.equal(samePhone('+380671112233', '+380671112234'), false);
    assert.equal(samePhone('', ''), false);
    assert.equal(sameSip('a@x', 'a'), true);
    assert.equal(sameSip('a', 'b'), false);
  });
});
