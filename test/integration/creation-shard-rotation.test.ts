/**
 * B2 with the client-creation shards (workflows/client-creation-shard-workflow.ts): a burst of new
 * callers whose numbers share one shard, with the shard told to continue as new after every 3
 * creations (CREATION_SHARD_ROTATE_AFTER), so the burst crosses several runs. Creations that
 * arrive while a run drains are turned away and sent again to the next run; nothing is lost,
 * nothing is created twice, and every number still gets exactly one lead and one contact.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { callEvents } from '../../tools/testkit/call-events';
import { startHarness, type Harness } from '../../tools/testkit/bridge-harness';
import { CALL_TIMEOUT_MS, crmFor, idOf, only } from '../../tools/testkit/crm-assert';
import type { CallEvent } from '../../schemas/call-event';
import { CLIENT_CREATION_SHARDS, clientCreationShardId } from '../../workflows/contract';

const ROTATE_AFTER = 3;
const NUMBERS = 8;
const CALLS_PER_NUMBER = 2;

/** `count` new numbers that hash to the same shard of `projectId`. */
function numbersInOneShard(projectId: string, count: number): string[] {
  const target = clientCreationShardId(projectId, '+380504400000');
  const found: string[] = [];
  for (let i = 0; found.length < count; i += 1) {
    const e164 = `+3805044${String(i).padStart(5, '0')}`;
    if (clientCreationShardId(projectId, e164) === target) found.push(e164);
  }
  return found;
}

describe('B2: a client-creation shard continues as new in the middle of a burst', () => {
  let h: Harness;
  let projectId: string;

  before(async () => {
    // Read by the harness's worker (tools/testkit/worker-tuning.ts), as a worker reads its environment.
    process.env.CREATION_SHARD_ROTATE_AFTER = String(ROTATE_AFTER);
    h = await startHarness({ projects: [{ id: 'b2-shard', scenario: { entities: 'lead+contact' } }] });
    [projectId] = h.projectIds as [string];
  });
  after(async () => {
    delete process.env.CREATION_SHARD_ROTATE_AFTER;
    await h?.stop();
  });

  it(`${NUMBERS} new numbers of one shard, ${CALLS_PER_NUMBER} calls each at once, the shard rotating every ${ROTATE_AFTER} creations → one lead and one contact a number, none ever beyond them`, { timeout: 600_000 }, async () => {
    const numbers = numbersInOneShard(projectId, NUMBERS);
    const shardId = clientCreationShardId(projectId, numbers[0] as string);
    const createdBefore = h.sandbox.admin.state(projectId).createdEver;
    const calls = numbers.flatMap((clientNumber) => Array.from({ length: CALLS_PER_NUMBER }, (_, i) => callEvents({
      projectId, clientNumber, employee: { staffId: i % 2 === 0 ? '101' : '102' },
    })));
    // All the calls' events in one go, call after call: every creation is due at once.
    await h.publish(calls.flat());
    const results = await Promise.all(calls.map((c) => h.callResult(projectId, (c[0] as CallEvent).callId, CALL_TIMEOUT_MS * 4)));

    for (const clientNumber of numbers) {
      const crm = crmFor(h, projectId, clientNumber);
      const lead = only(crm.leads, `lead of ${clientNumber}`);
      const contact = only(crm.contacts, `contact of ${clientNumber}`);
      assert.equal(Number(lead.CONTACT_ID), idOf(contact));
    }
    const createdAfter = h.sandbox.admin.state(projectId).createdEver;
    assert.deepEqual(
      { lead: createdAfter.lead - createdBefore.lead, contact: createdAfter.contact - createdBefore.contact, deal: createdAfter.deal - createdBefore.deal },
      { lead: NUMBERS, contact: NUMBERS, deal: 0 },
      'the portal added one lead and one contact a number, ever',
    );
    const outcomes = results.map((r) => r.outcome).sort();
    assert.deepEqual(
      outcomes,
      [...Array(NUMBERS).fill('lead-created'), ...Array(NUMBERS * (CALLS_PER_NUMBER - 1)).fill('task-on-existing')].sort(),
      'one creating call a number; every other call written to its lead',
    );
    for (const r of results) assert.deepEqual(r.failures, [], `${r.callId} had no failure`);

    // The burst crossed runs of the one shard: it continued as new, and only shards ever ran.
    const runs: string[] = [];
    const ids = new Set<string>();
    for await (const w of h.bridge.temporal.workflow.list({ query: `WorkflowId STARTS_WITH 'client-creation:${projectId}:'` })) {
      ids.add(w.workflowId);
      if (w.workflowId === shardId) runs.push(w.status.name);
    }
    assert.deepEqual([...ids], [shardId], 'every creation went to the numbers\' one shard');
    assert.ok(ids.size <= CLIENT_CREATION_SHARDS);
    const continued = runs.filter((status) => status === 'CONTINUED_AS_NEW').length;
    assert.ok(continued >= 2, `the shard continued as new mid-burst (runs: ${runs.join(', ')})`);
  });
});
