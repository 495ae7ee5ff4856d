/** `reconcile --project ID --since DATE` (B7, docs/contracts.md §4): backfill, summary, idempotent rerun, exit codes. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { simulateCalls } from '../../cli/call-simulator';
import { startRingostatStandIn, type RingostatStandIn } from '../../tools/sandbox/ringostat';
import { callLogRow } from '../../ringostat/call-log-row';
import { startHarness, employees, type Harness } from '../../tools/testkit/bridge-harness';
import { CALL_TIMEOUT_MS } from '../../tools/testkit/crm-assert';
import { standInProject } from '../../tools/testkit/ringostat-harness';
import { runCli } from '../../tools/testkit/run-cli';
import { startSilentServer, type SilentServer } from '../../tools/testkit/silent-server';

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

describe('reconcile against a Ringostat on another time zone (ringostat.timeZone), or silent (--timeout)', () => {
  let standIn: RingostatStandIn;
  let h: Harness;
  let silent: SilentServer;

  before(async () => {
    standIn = await startRingostatStandIn();
    silent = await startSilentServer();
    // The project runs on Kyiv's clock; its Ringostat account on New York's, seven hours behind.
    h = await startHarness({ projects: [
      { id: 'nyset', timeZone: 'Europe/Kyiv', ringostat: standInProject(standIn, undefined, { timeZone: 'America/New_York', configured: true }) },
      { id: 'nyunset', timeZone: 'Europe/Kyiv', ringostat: standInProject(standIn, undefined, { timeZone: 'America/New_York', configured: false }) },
      // A Ringostat that accepts the connection and never answers.
      { id: 'hung', ringostat: { ...standInProject(standIn), baseUrl: `http://${silent.address}` } },
    ] });
  });
  after(async () => {
    await h?.stop();
    await standIn?.stop();
    await silent?.close();
  });

  it('a Ringostat that never answers: exit 1 within --timeout, naming it', async () => {
    const started = performance.now();
    const run = await runCli(h, ['--timeout', '2', 'reconcile', '--project', h.projectIds[2] as string, '--since', new Date(Date.now() - 60 * 60_000).toISOString()]);
    const ms = performance.now() - started;
    assert.equal(run.code, 1, run.stderr);
    // Node and tsx starting, Temporal and Kafka answering: a few seconds beside the deadline.
    assert.ok(ms < 2000 + 5000, `reconcile took ${Math.round(ms)} ms`);
    assert.match(run.stderr, new RegExp(`^error: Ringostat GET /calls/list: http://${silent.address.replace(/\./g, '\\.')} did not answer within 2 s$`, 'm'));
    assert.ok(silent.accepted() > 0);
  });

  it('with ringostat.timeZone set, the call log is read on the account\'s clock: every lost call is found', async () => {
    const projectId = h.projectIds[0] as string;
    const block = h.config.projects[0]?.ringostat;
    assert.ok(block);
    const calls = simulateCalls({ projectId, calls: 3, seed: 41, employees, startAt: new Date(Date.now() - 3 * 60 * 60_000), meanGapSeconds: 60 });
    standIn.admin.registerCalls(block.projectId, calls.map((call) => callLogRow(call.events, 'America/New_York')));
    const run = await runCli(h, ['reconcile', '--project', projectId, '--since', new Date(Date.now() - 4 * 60 * 60_000).toISOString(), '--json']);
    assert.equal(run.code, 0, run.stderr);
    const summary = JSON.parse(run.stdout) as { listed: number; recovered: number; clockSkew?: unknown; ringostatTimeZone: string };
    assert.deepEqual([summary.listed, summary.recovered, summary.clockSkew, summary.ringostatTimeZone], [3, 3, undefined, 'America/New_York']);
  });

  it('without it, the shifted window comes back empty while the bridge saw calls: a warning, the clockSkew field and exit 4 — not a silent 0', async () => {
    const projectId = h.projectIds[1] as string;
    const block = h.config.projects[1]?.ringostat;
    assert.ok(block);
    const since = new Date(Date.now() - 5_000);
    const calls = simulateCalls({ projectId, calls: 2, seed: 43, employees, startAt: new Date(Date.now() - 10 * 60_000), meanGapSeconds: 5 });
    standIn.admin.registerCalls(block.projectId, calls.map((call) => callLogRow(call.events, 'America/New_York')));
    await h.publish(calls.flatMap((call) => call.events));
    for (const call of calls) assert.equal((await h.callResult(projectId, call.callId, CALL_TIMEOUT_MS)).phase, 'completed');

    const window = ['--since', since.toISOString(), '--until', new Date().toISOString()];
    const run = await runCli(h, ['reconcile', '--project', projectId, ...window, '--json']);
    assert.equal(run.code, 4, run.stderr);
    const summary = JSON.parse(run.stdout) as { listed: number; clockSkew?: { signs: string[]; detail: string } };
    assert.equal(summary.listed, 0);
    assert.deepEqual(summary.clockSkew?.signs, ['empty-window']);
    assert.match(run.stderr, /^warning: reconcile: the call log is empty while the bridge started 2 calls in the window: Ringostat's dates look shifted — is its account on Europe\/Kyiv \(ringostat\.timeZone\)\?/m);

    const human = await runCli(h, ['reconcile', '--project', projectId, ...window]);
    assert.equal(human.code, 4, human.stderr);
    assert.match(human.stdout, /calls in Ringostat's log 0, recovered 0/);
    assert.match(human.stdout, /^ {2}warning: the call log is empty while the bridge started 2 calls/m);
  });
});
