/** CRM helpers against a scripted client: the paths the sandbox does not take (retries mid-way). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BitrixClient } from '../../bitrix/client';
import { createEntity, createTask, crmTaskBindings, fillEmptyFields, isEmpty, lookupByPhone } from '../../bitrix/crm';

type Call = { method: string; params: Record<string, unknown> };

/** A BitrixClient whose call() answers from a script; batch() runs the commands through it. */
function scripted(answer: (method: string, params: Record<string, unknown>) => unknown): { client: BitrixClient; calls: Call[] } {
  const calls: Call[] = [];
  const call = async (method: string, params: Record<string, unknown> = {}) => {
    calls.push({ method, params });
    return answer(method, params);
  };
  const client: BitrixClient = {
    description: 'https://test/rest/1/***/',
    call: call as BitrixClient['call'],
    callRaw: (async (m: string, p?: Record<string, unknown>) => ({ result: await call(m, p) })) as BitrixClient['callRaw'],
    batch: async (cmds) => {
      const results: Record<string, unknown> = {};
      for (const [id, c] of Object.entries(cmds)) results[id] = await call(c.method, c.params ?? {});
      return { results, errors: {}, totals: {}, nexts: {} };
    },
    listAll: (async () => []) as BitrixClient['listAll'],
    waiting: () => 0,
    headroom: () => Number.POSITIVE_INFINITY,
    stats: () => ({ httpRequests: 0, commands: calls.length }),
  };
  return { client, calls };
}

void describe('createTask', () => {
  const task = { xmlId: 'x:1', title: 'T', description: 'D', responsibleId: 7, status: 'completed' as const, bindings: { leadId: 1, contactId: 3 } };

  void it('completes explicitly when the portal ignored STATUS at creation', async () => {
    const { client, calls } = scripted((m) => (m === 'tasks.task.list' ? { tasks: [] } : m === 'tasks.task.add' ? { task: { id: '11', status: '2' } } : { task: { id: '11', status: '5' } }));
    assert.equal(await createTask(client, task), 11);
    assert.deepEqual(calls.map((c) => c.method), ['tasks.task.list', 'tasks.task.add', 'tasks.task.complete']);
    const fields = calls[1]?.params.fields as Record<string, unknown>;
    assert.deepEqual(fields.UF_CRM_TASK, ['L_1', 'C_3']);
    assert.equal(fields.STATUS, 5);
    assert.equal(fields.XML_ID, 'x:1');
    assert.deepEqual(calls[2]?.params, { taskId: 11 });
  });

  void it('a retry finds the task by XML_ID and only finishes the completion', async () => {
    const { client, calls } = scripted((m) => (m === 'tasks.task.list' ? { tasks: [{ id: '11', status: '2' }] } : { task: { id: '11', status: '5' } }));
    assert.equal(await createTask(client, task), 11);
    assert.deepEqual(calls.map((c) => c.method), ['tasks.task.list', 'tasks.task.complete']);
  });

  void it('open tasks are created pending, with their deadline', async () => {
    const { client, calls } = scripted((m) => (m === 'tasks.task.list' ? { tasks: [] } : { task: { id: '12', status: '2' } }));
    assert.equal(await createTask(client, { ...task, status: 'open', deadline: '2030-01-01T10:00:00+02:00' }), 12);
    const fields = calls[1]?.params.fields as Record<string, unknown>;
    assert.equal(fields.STATUS, 2);
    assert.equal(fields.DEADLINE, '2030-01-01T10:00:00+02:00');
    assert.equal(calls.length, 2);
  });

  void it('maps bindings to UF_CRM_TASK codes', () => {
    assert.deepEqual(crmTaskBindings({ leadId: 1, dealId: 2, contactId: 3 }), ['L_1', 'D_2', 'C_3']);
    assert.deepEqual(crmTaskBindings({}), []);
  });
});

void describe('createEntity / fillEmptyFields', () => {
  const marker = { originatorId: 'bridge:acme', originId: 'call-1:deal' };

  void it('returns the marked entity without adding', async () => {
    const { client, calls } = scripted(() => [{ ID: '40' }]);
    assert.equal(await createEntity(client, 'deal', { TITLE: 'x' }, marker), 40);
    assert.deepEqual(calls.map((c) => c.method), ['crm.deal.list']);
    assert.deepEqual((calls[0]?.params.filter as object), { ORIGINATOR_ID: 'bridge:acme', ORIGIN_ID: 'call-1:deal' });
  });

  void it('adds with the marker and binds a deal to its contact by CONTACT_IDS', async () => {
    const { client, calls } = scripted((m) => (m === 'crm.deal.list' ? [] : 41));
    assert.equal(await createEntity(client, 'deal', { TITLE: 'x', CONTACT_ID: 5 }, marker), 41);
    const fields = calls[1]?.params.fields as Record<string, unknown>;
    assert.deepEqual(fields.CONTACT_IDS, [5]);
    assert.equal(fields.ORIGIN_ID, 'call-1:deal');
  });

  void it('sends nothing when every field is already set', async () => {
    const { client, calls } = scripted(() => ({ UTM_SOURCE: 'google', PHONE: [{ VALUE: '1' }] }));
    assert.deepEqual(await fillEmptyFields(client, 'contact', 3, { UTM_SOURCE: 'fb', PHONE: [{ VALUE: '2' }], UTM_TERM: '' }), []);
    assert.deepEqual(calls.map((c) => c.method), ['crm.contact.get']);
  });

  void it('knows what Bitrix24 calls empty', () => {
    for (const v of [null, undefined, '', [], {}]) assert.ok(isEmpty(v));
    for (const v of ['0', 0, 'N', [1], false]) assert.ok(!isEmpty(v));
  });
});

void describe('lookupByPhone', () => {
  void it('searches every variant per entity type, and skips the lists when nothing is found', async () => {
    const { client, calls } = scripted(() => []);
    assert.deepEqual(await lookupByPhone(client, '+380981234567', 'UA'), { leads: [], deals: [], contacts: [] });
    assert.deepEqual(calls.map((c) => c.params.entity_type), ['LEAD', 'CONTACT']);
    assert.ok((calls[0]?.params.values as string[]).includes('0981234567'));
  });
});
