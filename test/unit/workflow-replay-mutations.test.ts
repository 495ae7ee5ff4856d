/**
 * The replay test's negative controls (issue 16): each row of test/replay/mutations.ts makes a
 * realistic mistake in the REAL workflow code — a dropped `patched()` branch, two steps reordered,
 * a moved, dropped or added timer — in a copy of the source tree, bundles the copy as a worker
 * would, and replays the recorded histories the row names: each must fail with a non-determinism
 * error. So test/unit/workflow-replay.test.ts passing means something: had such a mistake been
 * made for real, it would have failed. Every registered workflow type has at least one row.
 *
 * An unmutated copy replays the same histories first (the baseline): the failures come from the
 * mistakes, not from the copying. Bundles are built two at a time while the tests run.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { temporal } from '@temporalio/proto';
import { DeterminismViolationError } from '@temporalio/workflow';
import {
  bundleWorkflowCode, DefaultLogger, makeTelemetryFilterString, Runtime, Worker, type WorkflowBundle,
} from '@temporalio/worker';
import { projectRoot } from '../../platform/paths';
import * as registered from '../../workflows';
import { BLIND_SPOTS, MUTATIONS, mutate, type Mutation } from '../replay/mutations';

const HISTORIES = path.join(projectRoot, 'test', 'replay', 'histories');
/** What the workflow bundle is built from: workflows/ and what it imports. */
const SOURCE_DIRS = ['workflows', 'decisions', 'schemas', 'platform'];

interface Recorded { workflowId: string; workflowType: string; history: temporal.api.history.v1.History }

/** History.fromObject, as in workflow-replay.test.ts (historyFromJSON throws in this install). */
function load(name: string): Recorded {
  const json = JSON.parse(fs.readFileSync(path.join(HISTORIES, `${name}.json`), 'utf8')) as { workflowId: string; workflowType: string; history: unknown };
  return { workflowId: json.workflowId, workflowType: json.workflowType, history: temporal.api.history.v1.History.fromObject(json.history as Record<string, unknown>) };
}

const bundlerLogger = {
  trace: () => undefined, debug: () => undefined, info: () => undefined, log: () => undefined,
  warn: (message: string) => process.stderr.write(`[bundler] ${message}\n`),
  error: (message: string) => process.stderr.write(`[bundler] ${message}\n`),
};

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'replay-mutations-'));

/** A copy of the workflow source tree (the product folders it bundles), with `mutation` applied when given. */
function sourceTree(name: string, mutation?: Mutation): string {
  const root = path.join(scratch, name);
  for (const dir of SOURCE_DIRS) fs.cpSync(path.join(projectRoot, dir), path.join(root, dir), { recursive: true });
  fs.symlinkSync(fs.realpathSync(path.join(projectRoot, 'node_modules')), path.join(root, 'node_modules'), 'dir');
  if (mutation) {
    const file = path.join(root, mutation.file);
    fs.writeFileSync(file, mutate(fs.readFileSync(file, 'utf8'), mutation));
  }
  return root;
}

/** Bundles run two at a time (webpack is CPU-bound; the box is shared). */
let running = 0;
const waiting: Array<() => void> = [];
async function limited<T>(work: () => Promise<T>): Promise<T> {
  while (running >= 2) await new Promise<void>((resolve) => waiting.push(resolve));
  running += 1;
  try {
    return await work();
  } finally {
    running -= 1;
    waiting.shift()?.();
  }
}

function bundle(name: string, mutation?: Mutation): Promise<WorkflowBundle> {
  const built = limited(async () => {
    const root = sourceTree(name, mutation);
    return bundleWorkflowCode({ workflowsPath: path.join(root, 'workflows', 'index.ts'), logger: bundlerLogger });
  });
  built.catch(() => undefined); // reported by the test that awaits it
  return built;
}

const slug = (text: string) => text.toLowerCase().replace(/[^a-z0-9]+/g, '-').slice(0, 60);

describe('replay catches real mistakes: mutated workflow code fails replay (negative controls)', () => {
  const started = Date.now();
  let baseline: Promise<WorkflowBundle>;
  const mutants = new Map<Mutation, Promise<WorkflowBundle>>();

  before(() => {
    // A control makes the SDK core warn about the violation it finds; the assertion is the report.
    Runtime.install({
      logger: new DefaultLogger('ERROR'),
      telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR' }) } },
    });
    baseline = bundle('baseline');
    [...MUTATIONS, ...BLIND_SPOTS].forEach((mutation, i) => mutants.set(mutation, bundle(`${i}-${slug(mutation.mistake)}`, mutation)));
  });
  after(() => {
    fs.rmSync(scratch, { recursive: true, force: true });
    process.stdout.write(`# ${MUTATIONS.length + BLIND_SPOTS.length} mutations bundled and replayed in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  });

  it('has a mutation for every registered workflow type, against histories of that type', () => {
    const types = Object.entries(registered).filter(([, value]) => typeof value === 'function').map(([name]) => name).sort();
    const covered = new Set(MUTATIONS.map((m) => m.workflowType));
    assert.deepEqual(types.filter((type) => !covered.has(type)), [], 'workflow types without a mutation row in test/replay/mutations.ts');
    assert.deepEqual([...covered].filter((type) => !types.includes(type)), [], 'mutation rows of workflow types no longer registered');
    for (const mutation of [...MUTATIONS, ...BLIND_SPOTS]) {
      assert.ok(mutation.histories.length > 0, `"${mutation.mistake}" names no history`);
      for (const name of mutation.histories) {
        assert.equal(load(name).workflowType, mutation.workflowType, `"${mutation.mistake}": ${name}.json is not a ${mutation.workflowType} history`);
      }
    }
  });

  it('baseline: the unmutated copy replays every history the mutations use', async () => {
    const workflowBundle = await baseline;
    for (const name of new Set([...MUTATIONS, ...BLIND_SPOTS].flatMap((m) => m.histories))) {
      const { workflowId, history } = load(name);
      await Worker.runReplayHistory({ workflowBundle, replayName: `baseline-${name}` }, history, workflowId);
    }
  });

  for (const mutation of MUTATIONS) {
    it(`${mutation.workflowType}: ${mutation.mistake} — fails replay of ${mutation.histories.join(', ')}`, async () => {
      const workflowBundle = await mutants.get(mutation)!;
      for (const name of mutation.histories) {
        const { workflowId, history } = load(name);
        await assert.rejects(
          Worker.runReplayHistory({ workflowBundle, replayName: `mutant-${slug(mutation.mistake)}-${name}` }, history, workflowId),
          (err: unknown) => {
            assert.ok(err instanceof DeterminismViolationError,
              `${name}: expected DeterminismViolationError, got ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);
            return true;
          },
          `${name} replayed without error: the mistake does not change its commands — pick histories it breaks (test/replay/mutations.ts)`,
        );
      }
    });
  }

  for (const mutation of BLIND_SPOTS) {
    it(`known blind spot, replays cleanly: ${mutation.workflowType}: ${mutation.mistake}`, async () => {
      const workflowBundle = await mutants.get(mutation)!;
      for (const name of mutation.histories) {
        const { workflowId, history } = load(name);
        // Fails once the SDK catches this mistake: then move the row to MUTATIONS (and docs/upgrades.md).
        await Worker.runReplayHistory({ workflowBundle, replayName: `blind-spot-${slug(mutation.mistake)}-${name}` }, history, workflowId);
      }
    });
  }
});
