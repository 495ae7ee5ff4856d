/**
 * B7 with Ringostat's account on another time zone than the config says: reconciliation warns —
 * in its summary and its log — when the call log looks shifted (rows dated in the future, rows
 * dated well after the bridge saw the call, an empty log for a window in which the bridge saw
 * calls), and stays quiet when it does not. Ringostat and Temporal are fakes here; the stand-in
 * on another zone is in test/integration/reconcile-cli.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { Producer } from 'kafkajs';
import { Registry } from 'prom-client';
import { createRingostatActivities } from '../../activities/ringostat-activities';
import { simulateCalls } from '../../cli/call-simulator';
import type { CallLogRow, RingostatClient } from '../../ringostat/api-client';
import { reconcileCalls } from '../../ringostat/reconcile-calls';
import { createLogger } from '../../platform/logger';
import { bridgeConfigSchema, projectConfigSchema, ringostatTimeZone, type ProjectConfig } from '../../schemas/project-config';
import type { ReconcileSummary } from '../../schemas/reconcile';
import { callLogRow } from '../../ringostat/call-log-row';

const HOUR = 60 * 60 * 1000;

function projectOn(ringostatZone?: string): ProjectConfig {
  return projectConfigSchema.parse({
    id: 'acme', timeZone: 'Europe/Kyiv', bitrix24: { webhookUrl: 'https://acme.bitrix24.ua/rest/1/s3cr3tc0de/' }, seniorManager: 1,
    ringostat: { apiKey: 'k3y-k3y-k3y', projectId: '123', ...(ringostatZone ? { timeZone: ringostatZone } : {}) },
  });
}

/** A Ringostat that returns these rows whatever the window (the shift already happened). */
const logOf = (rows: CallLogRow[]): RingostatClient => ({ listCalls: async () => rows.map((row) => ({ ...row })), syncContacts: async () => undefined });

/** Temporal with the given call workflows (id suffix → start time) and a visibility count. */
function temporalWith(started: Record<string, Date>, visibleCount = 0): { client: Client; queries: string[] } {
  const queries: string[] = [];
  const client = {
    workflow: {
      getHandle: (workflowId: string) => ({
        describe: async () => {
          const callId = workflowId.split(':').at(-1) ?? '';
          const startTime = started[callId];
          if (!startTime) throw new WorkflowNotFoundError('not found', workflowId, undefined);
          return { status: { name: 'COMPLETED' }, startTime };
        },
      }),
      count: async (query: string) => {
        queries.push(query);
        return { count: visibleCount };
      },
    },
  } as unknown as Client;
  return { client, queries };
}

function run(project: ProjectConfig, rows: CallLogRow[], temporal: Client, window = { from: new Date(Date.now() - 2 * HOUR), to: new Date() }) {
  const warnings: string[] = [];
  const logger = createLogger({ level: 'warn', destination: { write: (line: string) => void warnings.push((JSON.parse(line) as { msg: string }).msg) } });
  return reconcileCalls({ client: logOf(rows), temporal, project, publish: async () => undefined, logger }, window).then((summary) => ({ summary, warnings }));
}

/** Calls that happened `agoMs` ago, as Ringostat's log on `zone` prints them. */
function loggedCalls(agoMs: number, zone: string, count = 3) {
  const calls = simulateCalls({ projectId: 'acme', calls: count, seed: 5, startAt: new Date(Date.now() - agoMs), meanGapSeconds: 30 });
  return { calls, rows: calls.map((call) => callLogRow(call.events, zone)) };
}

describe('B7 reconcile notices a call log on another clock', () => {
  it('ringostat.timeZone defaults to the project\'s, and a wrong zone name is refused', () => {
    assert.equal(ringostatTimeZone(projectOn()), 'Europe/Kyiv');
    assert.equal(ringostatTimeZone(projectOn('Asia/Tokyo')), 'Asia/Tokyo');
    const bad = projectConfigSchema.safeParse({ ...projectOn(), ringostat: { apiKey: 'k3y-k3y-k3y', projectId: '123', timeZone: 'Mars/Olympus' } });
    assert.equal(bad.success, false);
    assert.match(JSON.stringify(bad.error?.issues), /unknown IANA time zone \\"Mars\/Olympus\\"/);
  });

  it('an account ahead of the config (Tokyo read as Kyiv): rows dated in the future → future-rows, with a warning', async () => {
    const { rows } = loggedCalls(20 * 60_000, 'Asia/Tokyo');
    const { summary, warnings } = await run(projectOn(), rows, temporalWith({}).client);
    assert.deepEqual(summary.clockSkew?.signs, ['future-rows']);
    assert.match(summary.clockSkew?.detail ?? '', /^3 calls are dated in the future: Ringostat's dates look shifted — is its account on Europe\/Kyiv \(ringostat\.timeZone\)\?$/);
    assert.deepEqual(warnings, [`reconcile: ${summary.clockSkew?.detail}`]);
  });

  it('calls dated well after the bridge started their workflows → rows-after-bridge', async () => {
    // Ten hours ago, printed on Tokyo's clock and read on Kyiv's: three hours ago, seven hours after the bridge saw them.
    const { calls, rows } = loggedCalls(10 * HOUR, 'Asia/Tokyo');
    const started = Object.fromEntries(calls.map((call) => [call.callId, new Date(Date.parse(call.events[0]!.occurredAt) + 1000)]));
    const { summary } = await run(projectOn(), rows, temporalWith(started).client, { from: new Date(Date.now() - 5 * HOUR), to: new Date() });
    assert.deepEqual(summary.clockSkew?.signs, ['rows-after-bridge']);
    assert.equal(summary.alreadyDone, 3);
  });

  it('an account behind (New York read as Kyiv): an empty log while the bridge saw calls → empty-window, from one visibility count', async () => {
    const temporal = temporalWith({}, 5);
    const window = { from: new Date('2026-12-01T08:00:00Z'), to: new Date('2026-12-01T09:00:00Z') };
    const { summary } = await run(projectOn(), [], temporal.client, window);
    assert.deepEqual(summary.clockSkew?.signs, ['empty-window']);
    assert.match(summary.clockSkew?.detail ?? '', /the call log is empty while the bridge started 5 calls in the window/);
    assert.deepEqual(temporal.queries, [
      "ProjectId='acme' AND WorkflowType IN ('callWorkflow', 'callWorkflowV2') AND StartTime >= '2026-12-01T08:00:00.000Z' AND StartTime <= '2026-12-01T09:00:00.000Z'",
    ]);
  });

  it('no warning when the zones agree, when a workflow started late (a backlog), or when the window was really empty', async () => {
    const { calls, rows } = loggedCalls(3 * HOUR, 'Asia/Tokyo');
    // The bridge saw them two hours late (a dispatcher outage): later, never earlier, than the call.
    const late = Object.fromEntries(calls.map((call) => [call.callId, new Date(Date.parse(call.events[0]!.occurredAt) + 2 * HOUR)]));
    assert.equal((await run(projectOn('Asia/Tokyo'), rows, temporalWith(late).client, { from: new Date(Date.now() - 4 * HOUR), to: new Date() })).summary.clockSkew, undefined);
    const quiet = temporalWith({}, 0);
    assert.equal((await run(projectOn(), [], quiet.client)).summary.clockSkew, undefined);
  });
});

describe('B7 the scheduled run counts a shifted call log in its metrics', () => {
  it('ringostat_bridge_reconcile_clock_skew_suspected_total{project,sign} rises with the run that saw it', async () => {
    const registry = new Registry();
    const project = projectOn();
    // Ringostat's API answers an empty log; the bridge's visibility counts calls in the window.
    const fetch = (async () => new Response('[]', { status: 200, headers: { 'content-type': 'application/json' } })) as typeof globalThis.fetch;
    const activities = createRingostatActivities({
      config: bridgeConfigSchema.parse({ projects: [project] }), temporal: temporalWith({}, 4).client,
      producer: { send: async () => undefined } as unknown as Producer, topic: 'events', logger: createLogger({ level: 'silent' }), registry, fetch,
    });
    const summary: ReconcileSummary = await new MockActivityEnvironment().run(activities.reconcileCallLog, {
      projectId: 'acme', from: new Date(Date.now() - HOUR).toISOString(), to: new Date().toISOString(),
    });
    assert.deepEqual(summary.clockSkew?.signs, ['empty-window']);
    const metrics = await registry.metrics();
    assert.match(metrics, /^ringostat_bridge_reconcile_clock_skew_suspected_total\{project="acme",sign="empty-window"\} 1$/m);
  });
});
