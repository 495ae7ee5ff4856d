/**
 * Records the event histories that test/unit/workflow-replay.test.ts replays, so that a change
 * to workflow code that would break running workflows (a reordered activity, a new timer, a
 * removed signal wait) fails a unit test instead of a production worker.
 *
 *   npx tsx test/replay/record-histories.ts                    # every history
 *   npx tsx test/replay/record-histories.ts reconcile-window   # only the named ones (others untouched)
 *
 * Starts its own Temporal + Kafka on free ports (or uses TEMPORAL_ADDRESS / KAFKA_BROKERS when
 * both are set), drives a handful of representative calls through the real bridge (Kafka →
 * dispatcher → Temporal → activities → sandbox) and writes one file per workflow to
 * test/replay/histories/<name>.json: `{ workflowId, workflowType, scenario, history }`, history
 * as the generated History class's toJSON() (load it with History.fromObject). Re-record after an INTENDED, versioned change to workflow code only;
 * the old files are then the histories running workflows still have, so keep those too (under
 * a new name) until no such workflow can be running: `<name>.before-<patch>.json` beside the new
 * `<name>.json` (v2/*.before-idle-timeout-from-worker.json: calls started before the worker set
 * the idle timeout).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { freePorts } from '../../platform/ports';
import { startStack, type Stack } from '../../tools/infra/stack';
import type { CallResult } from '../../schemas/workflow-io';
import { callWorkflowV2 } from '../../workflows';
import { callStateQuery, callWorkflowId, clientCreationShardId, integrationStateQuery, integrationWorkflowId, reactivationWorkflowId, TASK_QUEUE } from '../../workflows/contract';
import { callEvents } from '../../tools/testkit/call-events';
import { crmFor } from '../../tools/testkit/crm-assert';
import { startHarness, type Harness } from '../../tools/testkit/bridge-harness';
import { runCli } from '../../tools/testkit/run-cli';
import { createKafka } from '../../platform/kafka';
import { stackEnv } from '../../tools/testkit/stack-env';
import { createLogger } from '../../platform/logger';
import { reconcileWorkflow } from '../../workflows';
import { startRingostatStandIn, type RingostatStandIn } from '../../tools/sandbox/ringostat';
import { callLogRow } from '../../ringostat/call-log-row';
import { standInProject, startReconcileWorker, type ReconcileWorker } from '../../tools/testkit/ringostat-harness';

/** Version 2's histories; v1/ holds what calls started before it recorded (kept: they must still replay). */
const OUT_DIR = path.join(__dirname, 'histories', 'v2');

/** The histories named on the command line (all when none is): the others are neither driven nor written. */
const only = process.argv.slice(2);
const wanted = (...names: string[]): boolean => only.length === 0 || names.some((name) => only.includes(name));

async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

async function record(h: Harness, name: string, workflowId: string, scenario: string, secrets: string[], runId?: string): Promise<void> {
  if (!wanted(name)) return;
  const handle = h.bridge.temporal.workflow.getHandle(workflowId, runId);
  const { type } = await handle.describe();
  // Not @temporalio/common's historyToJSON: with this install's two copies of protobufjs 8 (one
  // nested under common, one under proto) it throws "type must be a Type". The generated class's
  // own toJSON (enums by name, int64 as strings, bytes as base64) round-trips through fromObject.
  const history = temporal.api.history.v1.History.fromObject(await handle.fetchHistory()).toJSON();
  const text = `${JSON.stringify({ workflowId, workflowType: type, scenario, history }, null, 1)}\n`;
  // R4: these files are committed; a webhook secret in a history would be a leak twice over.
  for (const secret of secrets) assert.ok(!text.includes(secret), `${name}: history holds a webhook secret`);
  fs.writeFileSync(path.join(OUT_DIR, `${name}.json`), text);
  process.stdout.write(`recorded ${name}.json (${type}, ${(text.length / 1024).toFixed(1)} KB)\n`);
}

/**
 * A run of a client-creation shard (B2): the busiest run that continued as new when
 * `continued` (the burst crossed CREATION_SHARD_ROTATE_AFTER), else the running one.
 *
 * The version-1-of-B2 histories (v2/client-creation-one, -burst, -backlog: a workflow a number,
 * clientCreationWorkflow) were recorded by the builds before the shards and are kept as they are,
 * for runs open at an upgrade; today's code starts no such workflow, so they are not recorded again.
 */
async function recordCreationShard(h: Harness, name: string, workflowId: string, scenario: string, secrets: string[], continued: boolean): Promise<void> {
  if (!wanted(name)) return;
  const runs: Array<{ runId: string; events: number }> = [];
  await waitFor(`a run of ${workflowId} ${continued ? 'continued as new' : 'running'}`, async () => {
    runs.length = 0;
    for await (const w of h.bridge.temporal.workflow.list({ query: `WorkflowId='${workflowId}'` })) {
      if ((w.status.name === 'CONTINUED_AS_NEW') === continued && (continued || w.status.name === 'RUNNING')) runs.push({ runId: w.runId, events: w.historyLength });
    }
    return runs.length > 0;
  });
  const busiest = runs.reduce((a, b) => (b.events > a.events ? b : a));
  await record(h, name, workflowId, `${scenario} (the busiest of ${runs.length} such run(s))`, secrets, busiest.runId);
}

/**
 * `count` new callers of `projectId` at once (numbers `prefix` + two digits), then the run of
 * the project's shards that `score` (its local tries, its creation activities) rates highest.
 */
async function newCallersShard(h: Harness, projectId: string, count: number, prefix: string, score: (tries: number, activities: number) => number): Promise<{ workflowId: string; runId: string }> {
  const callers = Array.from({ length: count }, (_, i) => callEvents({ projectId, callId: `${projectId}-new-${i}`, clientNumber: `${prefix}${String(i).padStart(2, '0')}`, employee: { staffId: '101' } }));
  await h.publish(callers.flat());
  await Promise.all(callers.map((events) => h.callResult(projectId, events[0]!.callId, 120_000)));
  let best: { workflowId: string; runId: string } | undefined;
  let bestScore = 0;
  for await (const w of h.bridge.temporal.workflow.list({ query: `WorkflowId STARTS_WITH 'client-creation:${projectId}:'` })) {
    const events = (await h.bridge.temporal.workflow.getHandle(w.workflowId, w.runId).fetchHistory()).events ?? [];
    const activities = events.filter((e) => e.activityTaskScheduledEventAttributes).length;
    const tries = events.filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity').length;
    if (score(tries, activities) > bestScore) [best, bestScore] = [{ workflowId: w.workflowId, runId: w.runId }, score(tries, activities)];
  }
  assert.ok(best, `a shard of ${projectId} with both local tries and creation activities`);
  return best;
}

async function main(): Promise<void> {
  let stack: Stack | undefined;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'record-histories-'));
  let h: Harness | undefined;
  let standIn: RingostatStandIn | undefined;
  let reconcileWorker: ReconcileWorker | undefined;
  try {
    if (!process.env.TEMPORAL_ADDRESS || !process.env.KAFKA_BROKERS) {
      const [temporalPort, uiPort, kafkaPort, controllerPort] = await freePorts(4);
      stack = await startStack({ dataDir, temporalPort, uiPort, kafkaPort, controllerPort, headless: true });
      // The harness finds the services through these, as under tools/testkit/run-tests.ts.
      process.env.TEMPORAL_ADDRESS = stack.temporalAddress;
      process.env.KAFKA_BROKERS = stack.kafkaBrokers.join(',');
    }
    // The worker's idle timeout, short, so the never-ended call closes quickly; the timer is there
    // either way, so every other history has the same command shape as with the 2-hour default.
    process.env.CALL_IDLE_TIMEOUT_MS = '4000';
    // Short enough that a call parked with no reactivation closes as parked-too-long here; long
    // enough that the parked call below is reactivated well within it.
    process.env.PARKED_CALL_LIMIT_MS = '20000';
    // A client-creation shard continues as new after 2 creations, so the burst's run ends that way.
    process.env.CREATION_SHARD_ROTATE_AFTER = '2';
    standIn = await startRingostatStandIn();
    const ringostat = standInProject(standIn);
    h = await startHarness({
      projects: [
        { id: 'rec' }, { id: 'rr', scenario: { missedNewClientAssignee: 'round-robin' } }, { id: 'park' }, { id: 'limit' }, { id: 'recon', ringostat }, { id: 'race' },
        // A portal with little room (one request a second, a burst of four): creations would wait.
        { id: 'tight', bitrix24: { rateLimit: { perSecond: 1, burst: 4 } } },
        // A portal that fails a fifth of its requests: some creations' tries fail as others succeed.
        { id: 'flaky' },
      ],
    });
    const [rec, rr, park, limit, recon, race, tight, flaky] = h.projectIds as [string, string, string, string, string, string, string, string];
    const secrets = [...h.config.projects.map((p) => p.bitrix24.webhookUrl.split('/').at(-2) as string), ringostat.apiKey];
    fs.mkdirSync(OUT_DIR, { recursive: true });

    const run = async (projectId: string, events: ReturnType<typeof callEvents>, publishOrder = events): Promise<CallResult> => {
      await h!.publish(publishOrder);
      return h!.callResult(projectId, events[0]!.callId, 120_000);
    };
    const callId = (events: ReturnType<typeof callEvents>) => events[0]!.callId;
    const outcome = async (name: string, projectId: string, events: ReturnType<typeof callEvents>, scenario: string, expected: RegExp, publishOrder = events) => {
      if (!wanted(name)) return;
      const result = await run(projectId, events, publishOrder);
      assert.match(result.outcome, expected, `${name}: outcome ${result.outcome}`);
      await record(h!, name, callWorkflowId(projectId, callId(events)), `${scenario} → ${result.outcome}`, secrets);
    };

    // S1, createOn answer: lead at call.answered, call record after call.ended.
    await outcome('answered-new-client', rec, callEvents({ projectId: rec, callId: 'rec-answered-new', clientNumber: '+380501230001', employee: { staffId: '101' } }),
      'incoming answered by 101, new number, createOn answer', /./);

    // S1, createOn answer, the call still going on when its lead is made: call.ended only once the
    // lead exists, so the call writes its record afterwards, in its own step (a local activity).
    if (wanted('answered-then-ended')) {
      const spread = callEvents({ projectId: rec, callId: 'rec-answered-then-ended', clientNumber: '+380501230010', employee: { staffId: '101' } });
      await h.publish(spread.slice(0, 2));
      await waitFor('the lead of the answered call', async () => crmFor(h!, rec, '+380501230010').leads.length > 0);
      await outcome('answered-then-ended', rec, spread, 'incoming answered by 101, new number, createOn answer; call.ended after the lead was made', /lead-created/, spread.slice(2));
    }

    // S4.2: missed from a new number: lead and call-back on the senior manager at call.ended.
    await outcome('missed-new-client', rec, callEvents({ projectId: rec, callId: 'rec-missed-new', clientNumber: '+380501230002', disposition: 'no_answer' }),
      'incoming no_answer, new number', /./);

    // S2.3: an open lead owned by 102, answered by 101: call record on 101, review task on 102.
    h.sandbox.admin.seed(rec, 'lead', { TITLE: 'existing', PHONE: [{ VALUE: '+380501230003', VALUE_TYPE: 'WORK' }], ASSIGNED_BY_ID: 8 });
    await outcome('existing-client-review', rec, callEvents({ projectId: rec, callId: 'rec-existing-review', clientNumber: '+380501230003', employee: { staffId: '101' } }),
      'incoming answered by 101, open lead owned by 102', /./);

    // S5.2: outgoing to an unknown number writes nothing.
    await outcome('outgoing-new-nothing', rec, callEvents({ projectId: rec, callId: 'rec-outgoing-new', direction: 'outgoing', clientNumber: '+380501230004', employee: { staffId: '101' } }),
      'outgoing by 101 to a new number', /^nothing/);

    // S7: internal call, skipped at once.
    await outcome('internal-skipped', rec, callEvents({ projectId: rec, callId: 'rec-internal', clientNumber: '+380501230005', employee: { staffId: '101' }, internal: true }),
      'internal call', /skipped-internal/);

    // Events reordered and duplicated: call.ended first, then the rest twice.
    const reordered = callEvents({ projectId: rec, callId: 'rec-reordered', clientNumber: '+380501230006', employee: { staffId: '102' } });
    await outcome('reordered-duplicated', rec, reordered, 'ended, ringing, answered, ringing, ended', /./,
      [reordered[2]!, reordered[0]!, reordered[1]!, reordered[0]!, reordered[2]!]);

    // Never ended: closes after the idle timeout as answered.
    const neverEnded = callEvents({ projectId: rec, callId: 'rec-never-ended', clientNumber: '+380501230007', employee: { staffId: '101' } });
    await outcome('never-ended', rec, neverEnded, 'ringing, answered, then silence until the idle timeout', /./, neverEnded.slice(0, 2));

    // B2: two concurrent calls from one new number: one keeps its lead, the other is written to it.
    if (wanted('concurrent-first', 'concurrent-second')) {
    const first = callEvents({ projectId: rec, callId: 'rec-concurrent-1', clientNumber: '+380501230008', employee: { staffId: '101' } });
    const second = callEvents({ projectId: rec, callId: 'rec-concurrent-2', clientNumber: '0501230008', employee: { staffId: '102' } });
    await h.publish([first[0]!, second[0]!, first[1]!, second[1]!, first[2]!, second[2]!]);
    const results = await Promise.all([h.callResult(rec, callId(first), 120_000), h.callResult(rec, callId(second), 120_000)]);
    assert.equal(h.sandbox.admin.state(rec).leads.filter((l) => (l.PHONE as Array<{ VALUE: string }>).some((p) => p.VALUE === '+380501230008')).length, 1);
    await record(h, 'concurrent-first', callWorkflowId(rec, callId(first)), `concurrent call 1 of 2 from one new number → ${results[0].outcome}`, secrets);
    await record(h, 'concurrent-second', callWorkflowId(rec, callId(second)), `concurrent call 2 of 2 from one new number → ${results[1].outcome}`, secrets);
    }

    // B2: the number's client-creation shard: a burst of four calls whose creations queue behind
    // each other, the later ones finding the client and creating nothing; the shard continues as
    // new after CREATION_SHARD_ROTATE_AFTER creations, so the recorded run ends that way.
    const burst = [0, 1, 2, 3].map((i) => callEvents({ projectId: rec, callId: `rec-burst-${i}`, clientNumber: '+380501230012', employee: { staffId: i % 2 ? '102' : '101' } }));
    await h.publish([0, 1, 2].flatMap((stage) => burst.map((events) => events[stage]!)));
    await Promise.all(burst.map((events) => h!.callResult(rec, callId(events), 120_000)));
    await recordCreationShard(h, 'client-creation-shard-burst', clientCreationShardId(rec, '+380501230012'), 'four calls at once from one new number', secrets, true);

    // Issue 16: new callers at once on a portal with little room. A shard tries each creation
    // locally only while the worker can send its requests at once; the others run as activities.
    if (wanted('client-creation-shard-declined')) {
      const declined = await newCallersShard(h, tight, 16, '+3805012341', (tries, activities) => (tries > 0 ? activities : 0));
      await record(h, 'client-creation-shard-declined', declined.workflowId, 'sixteen new callers at once on a portal with little room: local tries, and activities where the portal had no room', secrets, declined.runId);
    }

    // Issue 16: new callers at once whose tries overlap in their shards, a fifth of the portal's
    // answers 500: the tries a run holds made together, the failed ones handed to activities.
    if (wanted('client-creation-shard-overlap')) {
      h.sandbox.admin.setFaults(flaky, [{ errorRate: 0.2 }]);
      const overlap = await newCallersShard(h, flaky, 24, '+3805012342', (tries, activities) => (activities > 0 ? tries : 0));
      await record(h, 'client-creation-shard-overlap', overlap.workflowId, 'twenty-four new callers at once, a fifth of the portal\'s answers 500: tries made together, failed ones as activities', secrets, overlap.runId);
    }

    // S4.2 round robin: the position comes from the project's integration actor (an update).
    if (wanted('missed-round-robin', 'integration-round-robin')) {
    await outcome('missed-round-robin', rr, callEvents({ projectId: rr, callId: 'rr-missed', clientNumber: '+380501230009', disposition: 'busy' }),
      'incoming busy, new number, missedNewClientAssignee round-robin', /./);
    await record(h, 'integration-round-robin', integrationWorkflowId(rr), 'integration actor after one round-robin update (running)', secrets);
    }

    // T1/T2: the webhook is revoked, the call parks; `reactivate` with a new webhook resumes it.
    if (wanted('parked-resumed', 'integration-broken-reactivated', 'reactivation-resend', 'client-creation-shard-backlog')) {
    h.sandbox.admin.revokeWebhook(h.config.projects[2]!.bitrix24.webhookUrl);
    const parked = callEvents({ projectId: park, callId: 'park-resumed', clientNumber: '+380501230010', employee: { staffId: '101' } });
    await h.publish(parked);
    const parkedHandle = h.bridge.temporal.workflow.getHandle(callWorkflowId(park, callId(parked)));
    await waitFor('the call to park', async () => {
      try {
        return (await parkedHandle.query(callStateQuery)).phase === 'parked';
      } catch {
        return false; // not started yet
      }
    });
    const newWebhook = h.sandbox.admin.createWebhook(park, 1);
    secrets.push(newWebhook.split('/').at(-2) as string);
    const cli = await runCli(h, ['reactivate', '--project', park, '--webhook-url', newWebhook, '--json']);
    assert.equal(cli.code, 0, cli.stderr);
    const reactivated = JSON.parse(cli.stdout) as { credentialsVersion: number };
    const resumed = await h.callResult(park, callId(parked), 120_000);
    assert.equal(resumed.phase, 'completed');
    await record(h, 'parked-resumed', parkedHandle.workflowId, `token revoked → parked → reactivate → ${resumed.outcome}`, secrets);
    await record(h, 'integration-broken-reactivated', integrationWorkflowId(park), 'integration actor: broken, then reactivated (running)', secrets);
    await record(h, 'reactivation-resend', reactivationWorkflowId(park, reactivated.credentialsVersion), 'reactivation: wake parked calls, resend the window', secrets);
    // Issue 15: the resumed call's creation, as a backlog activity, in its number's shard.
    await recordCreationShard(h, 'client-creation-shard-backlog', clientCreationShardId(park, '+380501230010'), 'a resumed (backlog) call\'s creation', secrets, false);
    }

    // Parked with no reactivation: closes as parked-too-long after PARKED_CALL_LIMIT_MS.
    h.sandbox.admin.revokeWebhook(h.config.projects[3]!.bitrix24.webhookUrl);
    await outcome('parked-too-long', limit, callEvents({ projectId: limit, callId: 'limit-parked', clientNumber: '+380501230011', employee: { staffId: '101' } }),
      'token revoked → parked → no reactivation within the limit', /parked-too-long/);

    // B7: one reconciliation run over a call log holding a call whose webhooks were lost.
    if (wanted('reconcile-window')) {
      const logger = createLogger({ level: 'error' });
      reconcileWorker = await startReconcileWorker({
        temporalAddress: h.temporalAddress, temporal: h.bridge.temporal, kafka: createKafka({ brokers: stackEnv().kafkaBrokers, clientId: 'record-histories', logger }),
        config: h.config, topic: h.topic, logger, taskQueue: 'record-reconcile',
      });
      const lost = callEvents({ projectId: recon, callId: 'recon-lost', clientNumber: '+380501230012', employee: { staffId: '101' }, at: new Date(Date.now() - 10 * 60_000) });
      standIn.admin.registerCalls(ringostat.projectId, [callLogRow(lost, 'Europe/Kyiv')]);
      const workflowId = `reconcile:${recon}:recorded`;
      const result = await h.bridge.temporal.workflow.execute(reconcileWorkflow, {
        workflowId, taskQueue: reconcileWorker.taskQueue, args: [{ projectId: recon, lookbackMs: 60 * 60_000, settleMs: 60_000 }],
      });
      assert.equal(result.recovered, 1, `reconcile: ${JSON.stringify(result)}`);
      await record(h, 'reconcile-window', workflowId, `reconcile run: one call in the log the bridge never saw → recovered ${result.recovered}`, secrets);
    }

    // T2 (issue 16, patch reactivate-once): two different reactivations at once; the portal's
    // check is slow so both are in flight together: one wins, the other is refused.
    if (wanted('integration-reactivation-superseded')) {
      const rivals = [h.sandbox.admin.createWebhook(race, 1), h.sandbox.admin.createWebhook(race, 7)];
      secrets.push(...rivals.map((w) => w.split('/').at(-2) as string));
      h.sandbox.admin.setFaults(race, [{ method: 'user.get', latencyMs: 8000 }]);
      const raced = await Promise.all(rivals.map((w) => runCli(h!, ['--timeout', '60', 'reactivate', '--project', race, '--webhook-url', w, '--no-resend', '--json'])));
      h.sandbox.admin.setFaults(race, []);
      assert.deepEqual(raced.map((r) => r.code).sort(), [0, 1], raced.map((r) => r.stderr).join('\n'));
      await waitFor('the winner\'s reactivation work', async () => (await h!.bridge.temporal.workflow.getHandle(integrationWorkflowId(race)).query(integrationStateQuery)).lastResend !== undefined);
      await record(h, 'integration-reactivation-superseded', integrationWorkflowId(race), 'integration actor: two different reactivations at once, one refused (running)', secrets);
    }

    // R3 (issue 16, patch retries-exhausted-recorded): a call of a project the worker does not
    // know (removed from its config): its settings fail for good, and it ends saying why.
    if (wanted('gave-up-settings')) {
      const unknown = h.bridge.temporal.workflow.getHandle((await h.bridge.temporal.workflow.start(callWorkflowV2, {
        workflowId: callWorkflowId('removed-project', 'gave-up'), taskQueue: TASK_QUEUE, args: [{ projectId: 'removed-project', callId: 'gave-up' }],
      })).workflowId);
      const gaveUp = await unknown.result();
      assert.equal(gaveUp.failures[0]?.type, 'ProjectUnknown');
      await record(h, 'gave-up-settings', unknown.workflowId, `a call of a project no longer configured → ${gaveUp.outcome}`, secrets);
    }
  } finally {
    await reconcileWorker?.stop();
    await h?.stop();
    await standIn?.stop();
    await stack?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`record-histories: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    process.exit(1);
  },
);
