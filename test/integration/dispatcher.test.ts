/**
 * The Kafka side (R1, R2): bad events go to the dead-letter topic with a reason and the
 * consumer keeps going; offsets are committed only after Temporal accepted the event, so a
 * dispatcher restarted mid-stream loses nothing and doubles nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { callEvents } from '../../tools/testkit/call-events';
import { startHarness, type Harness } from '../../tools/testkit/bridge-harness';
import { createKafka } from '../../platform/kafka';
import { createLogger } from '../../platform/logger';
import { stackEnv } from '../../tools/testkit/stack-env';

async function readDeadLetters(topic: string, count: number): Promise<Array<Record<string, unknown>>> {
  const kafka = createKafka({ brokers: stackEnv().kafkaBrokers, clientId: 'dlq-reader', logger: createLogger({ level: 'error' }) });
  const consumer = kafka.consumer({ groupId: `dlq-reader-${Date.now()}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const records: Array<Record<string, unknown>> = [];
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`only ${records.length} of ${count} dead letters arrived`)), 30_000);
    void consumer.run({
      eachMessage: async ({ message }) => {
        records.push(JSON.parse(String(message.value)) as Record<string, unknown>);
        if (records.length >= count) { clearTimeout(timer); resolve(); }
      },
    });
  });
  await consumer.disconnect();
  return records;
}

describe('dispatcher', () => {
  let h: Harness;
  let projectId: string;
  before(async () => {
    h = await startHarness({ projects: [{ id: 'dispatch' }] });
    projectId = h.projectIds[0] as string;
  });
  after(async () => h?.stop());

  it('R2: bad events are dead-lettered with their reason and the consumer keeps going', async () => {
    const valid = callEvents({ projectId, clientNumber: '+380502220001', employee: { staffId: '101' } });
    const wrongSchema = { ...valid[0], eventId: 'bad-1', occurredAt: 'yesterday' };
    const unknownType = { ...valid[0], eventId: 'bad-2', type: 'call.transferred' };
    const unknownProject = { ...valid[0], eventId: 'bad-3', projectId: 'nobody' };
    await h.publishRaw('this is not json', 'k1');
    await h.publishRaw(JSON.stringify(wrongSchema), 'k2');
    await h.publishRaw(JSON.stringify(unknownType), 'k3');
    await h.publishRaw(JSON.stringify(unknownProject), 'k4');
    await h.publishRaw(Buffer.alloc(300 * 1024, 0x61), 'k5');
    await h.publish(valid);

    const result = await h.callResult(projectId, valid[0]!.callId);
    assert.equal(result.phase, 'completed', 'a valid event after bad ones is processed');
    const letters = await readDeadLetters(`${h.topic}.dlq`, 5);
    const reasons = Object.fromEntries(letters.map((l) => [l.key, l.reason]));
    assert.deepEqual(reasons, { k1: 'not-json', k2: 'invalid-schema', k3: 'unknown-type', k4: 'unknown-project', k5: 'oversized' });
    const schemaLetter = letters.find((l) => l.key === 'k2');
    assert.match(String(schemaLetter?.detail), /occurredAt/);
    assert.equal(schemaLetter?.value, JSON.stringify(wrongSchema), 'the original bytes are kept');
    assert.equal(typeof schemaLetter?.offset, 'string');
  });

  it('R1: a dispatcher restarted mid-stream loses nothing and doubles nothing', async () => {
    const calls = Array.from({ length: 20 }, (_, i) =>
      callEvents({ projectId, clientNumber: `+38050333${String(i).padStart(4, '0')}`, employee: { staffId: '101' } }));
    await h.publish(calls.slice(0, 10).flat());
    await h.restartBridge();
    await h.publish(calls.slice(10).flat());
    for (const events of calls) {
      const result = await h.callResult(projectId, events[0]!.callId);
      assert.equal(result.phase, 'completed');
    }
    const state = h.sandbox.admin.state(projectId);
    for (const events of calls) {
      const callId = events[0]!.callId;
      assert.equal(state.leads.filter((l) => String(l.ORIGIN_ID ?? '').startsWith(`${callId}:`)).length, 1, `one lead for ${callId}`);
      assert.equal(state.tasks.filter((t) => String(t.XML_ID ?? '').includes(`:${callId}:`)).length, 1, `one call record for ${callId}`);
    }
  });
});
