/** PHP bracket syntax, as GET queries, form bodies and batch commands use it (research §1.2, §3). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { listify, parsePhpQuery } from '../../tools/sandbox/php-query';

void test('nested keys, appended [] items and 0..n-1 maps become arrays', () => {
  assert.deepEqual(parsePhpQuery('fields[TITLE]=A+B&fields[PHONE][0][VALUE]=%2B380&fields[PHONE][0][VALUE_TYPE]=WORK&select[]=ID&select[]=TITLE'), {
    fields: { TITLE: 'A B', PHONE: [{ VALUE: '+380', VALUE_TYPE: 'WORK' }] },
    select: ['ID', 'TITLE'],
  });
});

void test('plain keys, empty values, malformed escapes and prototype keys', () => {
  assert.deepEqual(parsePhpQuery('id=5&flag&x=%E0%A4%A'), { id: '5', flag: '', x: '%E0%A4%A' });
  assert.deepEqual(parsePhpQuery('__proto__[x]=1&a[constructor]=2'), { a: {} });
  assert.deepEqual(parsePhpQuery('filter[>ID]=10&filter[!STATUS_ID]=JUNK'), { filter: { '>ID': '10', '!STATUS_ID': 'JUNK' } });
});

void test('listify keeps maps with other keys', () => {
  assert.deepEqual(listify({ 1: 'a', 2: 'b' }), { 1: 'a', 2: 'b' });
  assert.deepEqual(listify({ 0: 'a', 1: { 0: 'b' } }), ['a', ['b']]);
});
