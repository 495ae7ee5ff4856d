/** Batch commands carry PHP-style queries; they must survive PHP's parse_str exactly. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { batchCommand, toBitrixQuery } from '../../bitrix/query';

void describe('toBitrixQuery', () => {
  void it('encodes nested objects and arrays with brackets', () => {
    const query = toBitrixQuery({
      fields: { TITLE: 'Call', PHONE: [{ VALUE: '+380981234567', VALUE_TYPE: 'WORK' }], UF_CRM_TASK: ['L_1', 'D_2'] },
    });
    assert.equal(
      query,
      'fields[TITLE]=Call&fields[PHONE][0][VALUE]=%2B380981234567&fields[PHONE][0][VALUE_TYPE]=WORK&fields[UF_CRM_TASK][0]=L_1&fields[UF_CRM_TASK][1]=D_2',
    );
  });

  void it('URL-encodes values and filter-prefixed keys', () => {
    assert.equal(toBitrixQuery({ filter: { '>ID': 5, '@ID': [1, 2], '%TITLE': 'a&b=c d' } }),
      'filter[%3EID]=5&filter[%40ID][0]=1&filter[%40ID][1]=2&filter[%25TITLE]=a%26b%3Dc%20d');
    assert.equal(toBitrixQuery({ fields: { NAME: 'Олена', COMMENTS: 'line1\nline2' } }),
      'fields[NAME]=%D0%9E%D0%BB%D0%B5%D0%BD%D0%B0&fields[COMMENTS]=line1%0Aline2');
  });

  void it('behaves like http_build_query for scalars: null dropped, booleans 1/0, dates ISO', () => {
    assert.equal(toBitrixQuery({ a: null, b: undefined, c: true, d: false, e: 0, f: '' }), 'c=1&d=0&e=0&f=');
    assert.equal(toBitrixQuery({ at: new Date('2025-01-02T03:04:05Z') }), 'at=2025-01-02T03%3A04%3A05.000Z');
    assert.equal(toBitrixQuery({ empty: [], none: {} }), '');
  });

  void it('round-trips through a PHP-style parser', () => {
    const params = { id: 7, fields: { PHONE: [{ VALUE: '098 123 45 67' }], EMAIL: [{ VALUE: 'a+b@x.ua' }] } };
    const decoded = new URLSearchParams(toBitrixQuery(params));
    assert.equal(decoded.get('id'), '7');
    assert.equal(decoded.get('fields[PHONE][0][VALUE]'), '098 123 45 67');
    assert.equal(decoded.get('fields[EMAIL][0][VALUE]'), 'a+b@x.ua');
  });

  void it('refuses values it cannot represent', () => {
    assert.throws(() => toBitrixQuery({ f: () => 1 }), /cannot encode a function.*key f/);
  });
});

void describe('batchCommand', () => {
  void it('joins the method and the query with ?', () => {
    assert.equal(batchCommand('crm.lead.get', { id: 5 }), 'crm.lead.get?id=5');
    assert.equal(batchCommand('profile', undefined), 'profile');
    assert.equal(batchCommand('profile', {}), 'profile');
  });
});
