/** Research §5.7: the duplicate index's phone match code (NormalizePhone + cut), case by case. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normalizePhone } from '../../tools/sandbox/phone';

void test('formatting never matters; a leading 0 of a 10+ digit number is dropped', () => {
  assert.equal(normalizePhone('098 123 45 67'), '981234567');
  assert.equal(normalizePhone('(098) 123-45-67'), '981234567');
  assert.equal(normalizePhone('0981234567'), '981234567');
  assert.equal(normalizePhone('981234567'), '981234567');
});

void test('country codes are kept, so 38098… and 098… differ', () => {
  assert.equal(normalizePhone('+380981234567'), '380981234567');
  assert.equal(normalizePhone('380 98 123 45 67'), '380981234567');
  assert.notEqual(normalizePhone('+380981234567'), normalizePhone('098 123 45 67'));
});

void test('international prefixes 00 and 011 are dropped; 8… becomes 7… except 80/81/82', () => {
  assert.equal(normalizePhone('00380981234567'), '380981234567');
  assert.equal(normalizePhone('011380981234567'), '380981234567');
  assert.equal(normalizePhone('89161234567'), '79161234567');
  assert.equal(normalizePhone('8101234567890'), '8101234567890');
  assert.equal(normalizePhone('+8613812345678'), '8613812345678');
});

void test('short numbers stay as they are; extensions are cut', () => {
  assert.equal(normalizePhone('0123'), '0123');
  assert.equal(normalizePhone('+380981234567;ext=12'), '380981234567');
  assert.equal(normalizePhone('+380981234567#12'), '380981234567');
  assert.equal(normalizePhone('abc'), '');
});
