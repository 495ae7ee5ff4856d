/** B1: E.164 normalisation, Bitrix24's duplicate-index match code (§5.7), and search variants. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bitrixPhoneMatchCode, MAX_SEARCH_VALUES, phoneSearchVariants } from '../../bitrix/phone';
import { normalizePhone } from '../../platform/phone-number';

void describe('normalizePhone', () => {
  const ua: Array<[string, string | null]> = [
    ['+380981234567', '+380981234567'],
    ['380981234567', '+380981234567'], // Ringostat's usual form
    ['098 123 45 67', '+380981234567'],
    ['(098) 123-45-67', '+380981234567'],
    ['0981234567', '+380981234567'],
    ['981234567', '+380981234567'],
    ['00380981234567', '+380981234567'],
    ['+38 (098) 123-45-67', '+380981234567'],
    ['8 098 123 45 67', '+380981234567'], // the old long-distance 8
    ['+79161234567', '+79161234567'],
    ['+1 (201) 555-0123', '+12015550123'],
    ['12', null],
    ['anonymous', null],
    ['', null],
  ];
  for (const [raw, expected] of ua) void it(`${JSON.stringify(raw)} (UA) → ${expected}`, () => assert.equal(normalizePhone(raw, 'UA'), expected));

  void it('uses the default country for national forms', () => {
    assert.equal(normalizePhone('8 (916) 123-45-67', 'RU'), '+79161234567');
    assert.equal(normalizePhone('(201) 555-0123', 'us'), '+12015550123');
  });
});

void describe('bitrixPhoneMatchCode (research §5.7)', () => {
  const cases: Array<[string, string]> = [
    ['098 12 34 567', '981234567'],
    ['0981234567', '981234567'],
    ['981234567', '981234567'],
    ['380981234567', '380981234567'],
    ['+380 98 123 45 67', '380981234567'],
    ['00380981234567', '380981234567'],
    ['011380981234567', '380981234567'],
    ['89161234567', '79161234567'], // a 10+ digit number starting with 8 becomes 7…
    ['+89161234567', '89161234567'], // "+8" → "008" → drop 00
    ['80981234567', '80981234567'], // 80/81/82 are kept
    ['0981234567;123', '981234567'], // extension ignored
    ['0981234567#5', '981234567'],
    ['12-34', '1234'],
    ['', ''],
  ];
  for (const [value, code] of cases) void it(`${JSON.stringify(value)} → ${code}`, () => assert.equal(bitrixPhoneMatchCode(value), code));

  void it('explains the duplicate the guide admits: 098… and 38098… are different index entries', () => {
    assert.notEqual(bitrixPhoneMatchCode('098 123 45 67'), bitrixPhoneMatchCode('380981234567'));
  });
});

void describe('phoneSearchVariants', () => {
  void it('covers every stored form of a Ukrainian mobile with distinct match codes', () => {
    const variants = phoneSearchVariants('+380981234567', 'UA');
    assert.equal(variants[0], '+380981234567');
    const codes = variants.map(bitrixPhoneMatchCode);
    assert.equal(new Set(codes).size, codes.length, 'no two variants the index would equate');
    for (const stored of ['098 123 45 67', '380981234567', '+38 (098) 123-45-67', '981234567', '8 098 123 45 67', '00380981234567']) {
      assert.ok(codes.includes(bitrixPhoneMatchCode(stored)), `a contact stored as "${stored}" is found`);
    }
  });

  void it('finds the 098 123 45 67 contact for a +380981234567 call (B1)', () => {
    const stored = bitrixPhoneMatchCode('098 123 45 67');
    assert.ok(phoneSearchVariants('+380981234567', 'UA').some((v) => bitrixPhoneMatchCode(v) === stored));
  });

  void it('handles other numbering plans', () => {
    const ru = phoneSearchVariants('+79161234567', 'RU').map(bitrixPhoneMatchCode);
    for (const stored of ['8 916 123-45-67', '+7 916 123 45 67', '916 123 45 67']) assert.ok(ru.includes(bitrixPhoneMatchCode(stored)), stored);
    const gb = phoneSearchVariants('+442079460018', 'GB').map(bitrixPhoneMatchCode);
    for (const stored of ['020 7946 0018', '+44 (0)20 7946 0018', '+44 20 7946 0018']) assert.ok(gb.includes(bitrixPhoneMatchCode(stored)), stored);
    const us = phoneSearchVariants('+12015550123', 'US').map(bitrixPhoneMatchCode);
    for (const stored of ['(201) 555-0123', '+1 201 555 0123']) assert.ok(us.includes(bitrixPhoneMatchCode(stored)), stored);
  });

  void it('stays within the findbycomm limit and never searches a short fragment', () => {
    for (const [n, c] of [['+380981234567', 'UA'], ['+4930123456', 'DE'], ['+390612345678', 'IT']] as const) {
      const variants = phoneSearchVariants(n, c);
      assert.ok(variants.length >= 1 && variants.length <= MAX_SEARCH_VALUES);
      assert.ok(variants.every((v) => bitrixPhoneMatchCode(v).length >= 6), n);
    }
  });
});
