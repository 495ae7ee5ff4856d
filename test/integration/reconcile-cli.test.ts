/** `reconcile --project ID --since DATE` (B7, docs/contracts.md §4): backfill, summary, idempotent rerun, exit codes. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { simulateCalls } from '../../cli/call-simulator';
import { startRingostatStandIn, type RingostatStandIn } from '../../tools/sandbox/ringostat';
import { callLogRow } from '../../tools/sandbox/ringostat/call-rows';
import { startHarness, employees, type Harness } from '../../tools/testkit/bridge-harness';
import { CALL_TIMEOUT_MS } from '../../tools/testkit/crm-assert';
import { standInProject } from '../../tools/testkit/ringostat-harness';
import { runCli } from '../../tools/testkit/run-cli';

describe('reconcile (CLI, B7)', () => {
  let standIn: RingostatStandIn;
  let h: Harness;

  before(async () => {
    standIn = await startRingostatStandIn();
    h = await startHarness({ projects: [{ id: 'cli', ringostat: standInProject(standIn) }, { id: 'badkey', ringostat: { ...standInProject(standIn), apiKey: 'not-the-key-1' } }] });
  });
  after(async () => {
    await h?.stop();
    await standIn?.stop();
  });

  it('backfills a period: every logged call the bridge never saw is published and written; a rerun finds nothing new', async () => {
    const projectId = h.projectIds[0] as string;
    const block = h.config.projects[0]?.ringostat;
    assert.ok(block);
    const calls = simulateCalls({ projectId, calls: 4, seed: 31, employees, startAt: new Date(Date.now() - 3 * 60 * 60_000), meanGapSeconds: 60 });
    standIn.admin.registerCalls(block.projectId, calls.map((call) => callLogRow(call.events, 'Europe/Kyiv')));
    const since = new Date(Date.now() - 4 * 60 * 60_000).toISOString();

    const first = await runCli(h, ['reconcile', '--project', projectId, '--since', since, '--json']);
    assert.equal(first.code, 0, first.stderr);
    const summary = JSON.parse(first.stdout) as { listed: number; recovered: number; publishedCallIds: string[] };
    assert.deepEqual([summary.listed, summary.recovered], [4, 4]);
    for (const call of calls) assert.equal((await h.callResult(projectId, call.callId, CALL_TIMEOUT_MS)).phase, 'completed');

    const second = await runCli(h, ['reconcile', '--project', projectId, '--since', since]);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /recovered 0, unfinished resent 0, already done 4/);
  });

  it('exit 1 with Ringostat\'s reason when the key is refused, without quoting the key', async () => {
    const run = await runCli(h, ['reconcile', '--project', h.projectIds[1] as string, '--since', '2026-11-20']);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /Authorization failed/);
    assert.ok(!run.stderr.includes('not-the-key-1'));
  });

  it('exit 1 for a period backwards', async () => {
    const backwards = await runCli(h, ['reconcile', '--project', h.projectIds[0] as string, '--since', '2026-11-20', '--until', '2026-11-19']);
    assert.equal(backwards.code, 1);
    assert.match(backwards.stderr, /--since must be before --until/);
  });
});
