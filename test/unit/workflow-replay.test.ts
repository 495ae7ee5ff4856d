/**
 * Determinism: today's workflow code must replay the histories that earlier code wrote
 * (test/replay/histories, recorded by test/replay/record-histories.ts from real calls). A
 * reordered activity, a new timer or a removed wait in workflows/ without `patched()` breaks
 * every call, lock and integration actor that is running at deploy time; this test catches it
 * offline — replay needs no Temporal server. A negative control proves the test can fail.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { temporal } from '@temporalio/proto';
import { DeterminismViolationError } from '@temporalio/workflow';
import {
  bundleWorkflowCode, DefaultLogger, makeTelemetryFilterString, Runtime, Worker, type WorkflowBundle,
} from '@temporalio/worker';

const HISTORIES = path.join(__dirname, '..', 'replay', 'histories');

interface Recorded {
  name: string;
  workflowId: string;
  workflowType: string;
  history: temporal.api.history.v1.History;
}

/**
 * History.fromObject, not @temporalio/common's historyFromJSON: the latter throws "type must be
 * a Type" in this install (two copies of protobufjs 8, see record-histories.ts).
 */
function load(file: string): Recorded {
  const json = JSON.parse(fs.readFileSync(path.join(HISTORIES, file), 'utf8')) as { workflowId: string; workflowType: string; history: unknown };
  const history = temporal.api.history.v1.History.fromObject(json.history as Record<string, unknown>);
  return { name: file.replace(/\.json$/, ''), workflowId: json.workflowId, workflowType: json.workflowType, history };
}

/** v1/: what calls started before version 2 have (they must still finish); v2/: today's workflows. */
const recorded = ['v1', 'v2'].flatMap((dir) => fs.readdirSync(path.join(HISTORIES, dir)).filter((f) => f.endsWith('.json')).sort().map((f) => load(`${dir}/${f}`)));

/** Webpack's chatter is not the test's business; its warnings and errors still are. */
const bundlerLogger = {
  trace: () => undefined, debug: () => undefined, info: () => undefined, log: () => undefined,
  warn: (message: string) => process.stderr.write(`[bundler] ${message}\n`),
  error: (message: string) => process.stderr.write(`[bundler] ${message}\n`),
};

describe('workflow code replays recorded histories (determinism)', () => {
  let workflowBundle: WorkflowBundle;
  before(async () => {
    // The negative control makes the SDK core warn about the violation it finds; the assertion
    // is the report, so only errors are shown.
    Runtime.install({
      logger: new DefaultLogger('ERROR'),
      telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR' }) } },
    });
    workflowBundle = await bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows'), logger: bundlerLogger });
  });

  it('has histories of every workflow type to replay', () => {
    const types = new Set(recorded.map((r) => r.workflowType));
    assert.ok(recorded.length >= 20, `${recorded.length} histories`);
    assert.deepEqual([...types].sort(), ['callWorkflow', 'callWorkflowV2', 'clientCreationWorkflow', 'clientLockWorkflow', 'integrationWorkflow', 'integrationWorkflowV2', 'reactivationWorkflow']);
  });

  for (const { name, workflowId, history } of recorded) {
    it(`replays ${name}`, async () => {
      // The workflow id matters: lock holders are named after it.
      await Worker.runReplayHistory({ workflowBundle, replayName: `replay-${name}` }, history, workflowId);
    });
  }

  for (const version of ['v1', 'v2']) {
    it(`negative control: a changed call workflow fails replay of a ${version} history with DeterminismViolationError`, async () => {
      const changed = await bundleWorkflowCode({ workflowsPath: require.resolve('../replay/changed-call-workflow'), logger: bundlerLogger });
      const answered = recorded.find((r) => r.name === `${version}/answered-new-client`);
      assert.ok(answered, `${version}/answered-new-client.json is recorded`);
      await assert.rejects(
        Worker.runReplayHistory({ workflowBundle: changed, replayName: `replay-negative-control-${version}` }, answered.history, answered.workflowId),
        (err: unknown) => {
          assert.ok(err instanceof DeterminismViolationError, `expected DeterminismViolationError, got ${String(err)}`);
          assert.match(err.message, /loadProjectSettings|credentialsStatus|nondetermin/i);
          return true;
        },
      );
    });
  }
});
