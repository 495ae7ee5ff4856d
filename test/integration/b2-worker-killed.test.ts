/**
 * B2 with a worker killed mid-creation (issue 16 item 1): four calls at once from one new number
 * (lead+contact) on a bridge process, separate from the test (`node dist/workers/main.js`). The
 * portal executes the creation's batch — contact and lead added — but its answer never comes
 * back; the worker is SIGKILLed right then, and a second bridge process takes over. The calls
 * all complete, and the portal ever added one contact and one lead: the retried creation looks
 * the number up again and finds by its markers what the killed one made (R1), and the other
 * calls, queued in the number's client-creation shard, find the client and create nothing.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CallEvent } from '../../schemas/call-event';
import { callEvents } from '../../tools/testkit/call-events';
import {
  createTestPortal, newSecretKey, projectConfig, publishEvents, startBridgeProcess, startSharedStackTest, tail, waitForCalls,
  waitForWorkerPolling, waitUntil, writeConfig, type ProcessHandle, type SharedStackTest,
} from '../../tools/testkit/bridge-process';
import { stackEnv } from '../../tools/testkit/stack-env';
import { phonesOf, samePhoneNumber } from '../../tools/testkit/crm-assert';

const CALLS = 4;

describe('B2: a worker killed mid-creation (separate processes)', () => {
  const suffix = randomUUID().slice(0, 8);
  const projectId = `b2-kill-${suffix}`;
  const topic = `b2-kill-${suffix}`;
  const secretKey = newSecretKey();
  let t: SharedStackTest;

  before(async () => {
    t = await startSharedStackTest('b2-worker-killed', topic);
  });

  after(async () => {
    await t?.tearDown();
  });

  async function startBridge(name: string, configPath: string): Promise<ProcessHandle> {
    const { temporalAddress, kafkaBrokers } = stackEnv();
    const bridge = await startBridgeProcess({
      name, configPath, temporalAddress, kafkaBrokers, topic, secretKey, logDir: path.join(t.root, 'logs'),
      components: ['worker', 'dispatcher'], groupId: `${topic}-dispatcher`, logLevel: 'info',
    });
    await waitForWorkerPolling(t.client, bridge);
    return bridge;
  }

  it(`B2: ${CALLS} calls at once from one new number, the worker SIGKILLed after the portal added the contact and lead but before it answered → one contact and one lead, none ever created beyond them`, { timeout: 300_000 }, async () => {
    const { sandbox, client, producer, root } = t;
    const webhookUrl = createTestPortal(sandbox, projectId);
    const configPath = path.join(root, 'bridge.json');
    await writeConfig(configPath, [projectConfig(projectId, webhookUrl, { scenario: { entities: 'lead+contact' } })]);
    // The creation's batch runs in the portal, but its answer is lost: the worker is stuck mid-creation.
    sandbox.admin.setFaults(projectId, [{ method: 'crm.contact.add', lostResponseRate: 1 }]);
    const first = await startBridge('b2-kill-a', configPath);

    const clientNumber = '+380503730001';
    const calls = Array.from({ length: CALLS }, (_, i) => callEvents({
      projectId, clientNumber: i % 2 === 0 ? clientNumber : `0${clientNumber.slice(4)}`, employee: { staffId: i % 2 === 0 ? '101' : '102' },
    }));
    await publishEvents(producer, topic, [0, 1, 2].flatMap((stage) => calls.map((events) => events[stage] as CallEvent)));

    await waitUntil('the portal to add the contact and lead and lose its answer', async () => (
      sandbox.admin.requestLog(projectId).some((entry) => entry.error === 'LOST_RESPONSE') ? true : undefined
    ), 120_000, () => tail(first.output()));
    first.kill('SIGKILL');
    await first.exit;
    assert.deepEqual(sandbox.admin.state(projectId).createdEver, { lead: 1, contact: 1, deal: 0 }, 'the killed worker\'s creation reached the portal');
    sandbox.admin.setFaults(projectId, []);

    const second = await startBridge('b2-kill-b', configPath);
    const results = await waitForCalls(client, projectId, calls.map((events) => (events[0] as CallEvent).callId), 240_000)
      .catch((err: Error) => { throw new Error(`${err.message}\n${tail(second.output())}`); });

    const state = sandbox.admin.state(projectId);
    const ofNumber = (records: Array<Record<string, unknown>>) => records.filter((r) => phonesOf(r).some((p) => samePhoneNumber(p, clientNumber)));
    assert.equal(ofNumber(state.leads).length, 1, 'one lead for the number');
    assert.equal(ofNumber(state.contacts).length, 1, 'one contact for the number');
    assert.deepEqual(state.createdEver, { lead: 1, contact: 1, deal: 0 }, 'the portal added one lead and one contact, ever: the retry created nothing again');
    const outcomes = [...results.values()].map(({ result }) => result.outcome).sort();
    assert.deepEqual(outcomes, ['lead-created', ...Array.from({ length: CALLS - 1 }, () => 'task-on-existing')]);
  });
});
