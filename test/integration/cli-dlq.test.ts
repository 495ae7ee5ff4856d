/**
 * `dlq list` and `dlq redrive` (R2, docs/contracts.md §4) on the real path: the dispatcher
 * dead-letters a bad message; a call dead-lettered while its project was missing from the
 * config is redriven by the CLI and written once, however often it is redriven.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { deadLetterRecord } from '../../dispatcher/dead-letter';
import { createKafka } from '../../platform/kafka';
import { createLogger } from '../../platform/logger';
import { callEventKey } from '../../schemas/call-event';
import type { CallResult } from '../../schemas/workflow-io';
import { callWorkflowId } from '../../workflows/contract';
import { startHarness, type Harness } from '../../tools/testkit/bridge-harness';
import { callEvents } from '../../tools/testkit/call-events';
import { runCli } from '../../tools/testkit/run-cli';
import { stackEnv } from '../../tools/testkit/stack-env';
import { waitFor } from '../../tools/testkit/wait-for';

interface DlqList { total: number; byReason: Record<string, number>; deadLetters: { reason: string; detail: string; key: string | null; value: string; topic: string }[] }
interface Redrive { matched: number; redriven: number; byReason: Record<string, number> }

describe('CLI dlq list / redrive (R2)', () => {
  let h: Harness;
  let projectId: string;
  const kafka = createKafka({ brokers: stackEnv().kafkaBrokers, clientId: 'cli-dlq-test', logger: createLogger({ level: 'error' }) });
  const producer = kafka.producer();

  before(async () => {
    h = await startHarness({ projects: [{ id: 'dlq' }] });
    projectId = h.projectIds[0]!;
    await producer.connect();
  });
  after(async () => {
    await producer.disconnect();
    await h?.stop();
  });

  const json = async <T>(args: string[]): Promise<T> => {
    const run = await runCli(h, [...args, '--json']);
    assert.equal(run.code, 0, run.stderr);
    return JSON.parse(run.stdout) as T;
  };
  const leadsOf = (callId: string) => h.sandbox.admin.state(projectId).leads.filter((l) => String(l.ORIGIN_ID ?? '').startsWith(`${callId}:`));
  const handled = () => {
    const stats = h.bridge.dispatcher!.stats();
    return stats.delivered + stats.alreadyDone;
  };

  it('lists what the dispatcher dead-lettered and redrives only the chosen reason, each call written once', async () => {
    await h.publishRaw('this is not json', 'garbage-key');
    // A call the dispatcher could not route while its project was missing from the config.
    const call = callEvents({ projectId, clientNumber: '+380507770001', employee: { staffId: '101' } });
    await producer.send({
      topic: `${h.topic}.dlq`,
      messages: call.map((event, i) => ({
        key: callEventKey(event),
        value: JSON.stringify(deadLetterRecord(
          { topic: h.topic, partition: 0, offset: String(i), key: Buffer.from(callEventKey(event)), value: Buffer.from(JSON.stringify(event)) },
          'unknown-project', `project "${projectId}" is not configured`,
        )),
      })),
    });

    const listed = await waitFor('4 dead letters', async () => {
      const list = await json<DlqList>(['dlq', 'list']);
      return list.total === 4 && list;
    });
    assert.deepEqual(listed.byReason, { 'not-json': 1, 'unknown-project': 3 });
    const garbage = listed.deadLetters.find((l) => l.reason === 'not-json');
    assert.deepEqual({ key: garbage?.key, value: garbage?.value, topic: garbage?.topic }, { key: 'garbage-key', value: 'this is not json', topic: h.topic });
    assert.equal((await json<DlqList>(['dlq', 'list', '--limit', '1'])).deadLetters.length, 1);

    const before = handled();
    const first = await json<Redrive>(['dlq', 'redrive', '--reason', 'unknown-project']);
    assert.deepEqual(first, { ...first, matched: 3, redriven: 3, byReason: { 'unknown-project': 3 } });
    const result = await h.callResult(projectId, call[0]!.callId, 90_000);
    assert.equal(result.phase, 'completed');
    assert.equal(leadsOf(call[0]!.callId).length, 1);

    // Redriven again (and since an hour ago): the workflows drop events they saw; nothing is written twice.
    const since = new Date(Date.now() - 3600_000).toISOString();
    const second = await json<Redrive>(['dlq', 'redrive', '--reason', 'unknown-project', '--since', since]);
    assert.equal(second.redriven, 3);
    await waitFor('the dispatcher handled both redrives', async () => handled() >= before + 6);
    assert.equal(leadsOf(call[0]!.callId).length, 1, 'one lead after two redrives');
    const again = (await h.bridge.temporal.workflow.getHandle(callWorkflowId(projectId, call[0]!.callId)).result()) as CallResult;
    assert.deepEqual(again.crm, result.crm);

    const none = await json<Redrive>(['dlq', 'redrive', '--reason', 'unknown-project', '--since', new Date(Date.now() + 60_000).toISOString()]);
    assert.equal(none.matched, 0);
    // The bad message was never redriven: still exactly one not-json letter.
    assert.equal((await json<DlqList>(['dlq', 'list'])).byReason['not-json'], 1);
  });
});
