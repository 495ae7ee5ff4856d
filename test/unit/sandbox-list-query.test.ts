/** Filter prefixes, ordering and paging shared by the sandbox's list methods (research §4). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyFilter, applyOrder, paginate, type Kind } from '../../tools/sandbox/list-query';

const rows = [
  { ID: '1', TITLE: 'Alpha', STATUS_ID: 'NEW', DATE_CREATE: '2024-01-01T10:00:00+03:00', PHONE: [{ VALUE: '+380501112233' }], TAGS: ['L_1'] },
  { ID: '2', TITLE: 'beta', STATUS_ID: 'JUNK', DATE_CREATE: '2024-02-01T10:00:00+03:00', TAGS: [] },
  { ID: '3', TITLE: null, STATUS_ID: 'NEW', DATE_CREATE: '2024-03-01T10:00:00+03:00', TAGS: ['L_1', 'D_2'] },
];
const kinds: Record<string, Kind> = { ID: 'int', TITLE: 'string', STATUS_ID: 'string', DATE_CREATE: 'datetime', PHONE: 'multifield', TAGS: 'list' };
const ids = (filter: Record<string, unknown>) => applyFilter(rows, filter, (f) => kinds[f], 180).map((r) => r.ID);

void test('prefixes', () => {
  assert.deepEqual(ids({ STATUS_ID: 'new' }), ['1', '3'], 'case-insensitive like MySQL');
  assert.deepEqual(ids({ '!STATUS_ID': 'NEW' }), ['2']);
  assert.deepEqual(ids({ '@ID': [1, 3] }), ['1', '3']);
  assert.deepEqual(ids({ '!@ID': '1,3' }), ['2']);
  assert.deepEqual(ids({ '>=ID': 2, '<ID': '3' }), ['2']);
  assert.deepEqual(ids({ '%TITLE': 'ET' }), ['2']);
  assert.deepEqual(ids({ '=%TITLE': 'a%' }), ['1']);
  assert.deepEqual(ids({ '!%TITLE': 'a' }), ['3']);
  assert.deepEqual(ids({ TITLE: '' }), ['3'], 'empty value matches empty fields');
  assert.deepEqual(ids({ '>DATE_CREATE': '2024-01-15' }), ['2', '3']);
  assert.deepEqual(ids({ PHONE: '+380501112233' }), ['1']);
  assert.deepEqual(ids({ TAGS: 'L_1' }), ['1', '3']);
  assert.deepEqual(ids({ UNKNOWN: 'x' }), ['1', '2', '3'], 'unknown fields are ignored');
});

void test('order puts NULL first ascending and falls back to ID', () => {
  const sorted = applyOrder(rows, [['TITLE', 'ASC']], (f) => kinds[f], 180).map((r) => r.ID);
  assert.deepEqual(sorted, ['3', '1', '2']);
  assert.deepEqual(applyOrder(rows, [['ID', 'DESC']], (f) => kinds[f], 180).map((r) => r.ID), ['3', '2', '1']);
});

void test('paging', () => {
  const items = Array.from({ length: 120 }, (_, i) => i);
  assert.deepEqual({ ...paginate(items, 100), page: undefined }, { page: undefined, total: 120, next: undefined });
  assert.equal(paginate(items, 0).next, 50);
  assert.deepEqual({ ...paginate(items, -1), page: undefined }, { page: undefined, total: 0 });
});
