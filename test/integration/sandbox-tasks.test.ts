/**
 * S1.4/R1: tasks as the bridge writes them — completed tasks (STATUS 5) bound to CRM entities
 * through UF_CRM_TASK, found again by XML_ID so a retry never creates a second one.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startSandbox, type Sandbox } from '../../tools/sandbox';
import { freshPortal, rest } from '../../tools/sandbox/testing';

let sandbox: Sandbox;
before(async () => {
  sandbox = await startSandbox({ port: 0 });
});
after(async () => {
  await sandbox.stop();
});

void test('add: UPPERCASE in, camelCase string values out; stored with input names', async () => {
  const { portalId, webhook } = freshPortal(sandbox);
  const reply = await rest(webhook, 'tasks.task.add', {
    fields: {
      TITLE: 'Call +380501112233', RESPONSIBLE_ID: 7, STATUS: 5, DESCRIPTION: 'Recording: https://r.example/1.mp3',
      DEADLINE: '2030-01-02T10:00:00+02:00', UF_CRM_TASK: ['L_1', 'C_2'], XML_ID: 'ringostat:acme:call-1',
    },
  });
  assert.equal(reply.status, 200);
  const task = reply.body.result.task;
  assert.equal(typeof task.id, 'string');
  assert.deepEqual([task.title, task.status, task.responsibleId, task.createdBy, task.xmlId], [
    'Call +380501112233', '5', '7', '1', 'ringostat:acme:call-1',
  ]);
  assert.equal(Date.parse(task.deadline), Date.parse('2030-01-02T10:00:00+02:00'));
  assert.notEqual(task.closedDate, null);
  const stored = sandbox.admin.state(portalId).tasks[0];
  assert.deepEqual([stored?.TITLE, stored?.RESPONSIBLE_ID, stored?.STATUS, stored?.UF_CRM_TASK, stored?.XML_ID], [
    'Call +380501112233', '7', '5', ['L_1', 'C_2'], 'ringostat:acme:call-1',
  ]);
  assert.ok(stored?.CREATED_DATE);
});

void test('list: filter by XML_ID, UF_CRM_TASK, RESPONSIBLE_ID, REAL_STATUS; select brings ufCrmTask', async () => {
  const { webhook } = freshPortal(sandbox);
  const add = async (fields: Record<string, unknown>) => Number((await rest(webhook, 'tasks.task.add', { fields })).body.result.task.id);
  const t1 = await add({ TITLE: 'a', RESPONSIBLE_ID: 7, STATUS: 5, XML_ID: 'x-1', UF_CRM_TASK: ['L_10'] });
  const t2 = await add({ TITLE: 'b', RESPONSIBLE_ID: 8, XML_ID: 'x-2', UF_CRM_TASK: ['L_10', 'D_3'] });
  const t3 = await add({ TITLE: 'c', RESPONSIBLE_ID: 7 });
  const ids = async (filter: Record<string, unknown>) =>
    (await rest(webhook, 'tasks.task.list', { filter, select: ['ID'] })).body.result.tasks.map((t: { id: string }) => Number(t.id));
  assert.deepEqual(await ids({ XML_ID: 'x-2' }), [t2]);
  assert.deepEqual(await ids({ UF_CRM_TASK: 'L_10' }), [t2, t1], 'default order is ID descending');
  assert.deepEqual(await ids({ UF_CRM_TASK: 'D_3' }), [t2]);
  assert.deepEqual(await ids({ RESPONSIBLE_ID: 7, REAL_STATUS: 2 }), [t3]);
  assert.deepEqual(await ids({ '!REAL_STATUS': 5 }), [t3, t2]);

  const listed = (await rest(webhook, 'tasks.task.list', { filter: { ID: t1 }, select: ['ID', 'TITLE', 'UF_CRM_TASK', 'STATUS'] })).body;
  assert.deepEqual(listed.result.tasks, [{ id: String(t1), title: 'a', ufCrmTask: ['L_10'], status: '5', subStatus: '5' }]);
  assert.equal(listed.total, 1);
  const none = (await rest(webhook, 'tasks.task.list', { filter: { ID: t3 }, select: ['ID', 'UF_CRM_TASK'] })).body.result.tasks[0];
  assert.equal(none.ufCrmTask, false, 'an empty multiple UF comes back as false');
  const badOrder = await rest(webhook, 'tasks.task.list', { order: { NOPE: 'asc' } });
  assert.deepEqual([badOrder.status, badOrder.body.error], [400, '0']);
});

void test('get and complete; missing tasks', async () => {
  const { webhook } = freshPortal(sandbox);
  const id = (await rest(webhook, 'tasks.task.add', { fields: { TITLE: 'open', RESPONSIBLE_ID: 8 } })).body.result.task.id;
  const got = (await rest(webhook, 'tasks.task.get', { taskId: id, select: ['ID', 'STATUS', 'UF_CRM_TASK'] })).body.result.task;
  assert.deepEqual([got.status, got.ufCrmTask], ['2', false]);
  const done = (await rest(webhook, 'tasks.task.complete', { taskId: id })).body.result.task;
  assert.deepEqual([done.status, done.closedBy], ['5', '1']);
  const again = await rest(webhook, 'tasks.task.complete', { taskId: id });
  assert.deepEqual([again.status, again.body], [400, { error: '0', error_description: 'Action on the task is not allowed' }]);
  assert.deepEqual((await rest(webhook, 'tasks.task.get', { taskId: 999 })).body.result, []);
  assert.equal((await rest(webhook, 'tasks.task.get', { taskId: 'abc' })).body.error_description, 'wrong task id');
});

void test('list pages by 50 with total and next', async () => {
  const { webhook } = freshPortal(sandbox);
  const cmd = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`t${i}`, `tasks.task.add?fields[TITLE]=T${i}&fields[RESPONSIBLE_ID]=1`]));
  await rest(webhook, 'batch', { cmd });
  await rest(webhook, 'batch', { cmd: { a: 'tasks.task.add?fields[TITLE]=last&fields[RESPONSIBLE_ID]=1' } });
  const first = (await rest(webhook, 'tasks.task.list', { select: ['ID'] })).body;
  assert.deepEqual([first.result.tasks.length, first.total, first.next], [50, 51, 50]);
  const second = (await rest(webhook, 'tasks.task.list', { select: ['ID'], start: 50 })).body;
  assert.deepEqual([second.result.tasks.length, 'next' in second], [1, false]);
});
