/**
 * Issue 17 item 3, the compiled build: `npm run build` (tools/build/build) leaves the product in
 * dist/ as plain JavaScript with the workflow bundle beside it, and a worker run from dist/ loads
 * that bundle instead of running webpack — it starts without compiling anything. The test runner
 * builds first, so dist/ is current here.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { projectRoot } from '../../platform/paths';

const dist = join(projectRoot, 'dist');

function node(args: string[], env: NodeJS.ProcessEnv = {}) {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  for (const name of ['NODE_OPTIONS', 'NODE_TEST_CONTEXT', 'WORKFLOW_BUNDLE_PATH']) delete childEnv[name];
  return spawnSync(process.execPath, args, { cwd: projectRoot, env: childEnv, encoding: 'utf8', timeout: 60_000 });
}

describe('the compiled build (npm run build → dist/)', () => {
  it('holds the entry points package.json, the bin and the image run, and the workflow bundle', () => {
    for (const file of ['workers/main.js', 'cli/index.js', 'http/main.js', 'workflows/index.js', 'workflow-bundle.js']) {
      assert.ok(existsSync(join(dist, file)), `dist/${file}`);
    }
    const { scripts } = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    assert.match(scripts.start ?? '', /^node dist\/workers\/main\.js\b/);
    assert.match(scripts.prestart ?? '', /tools\/build\/build --if-stale/);
    assert.match(scripts.test ?? '', /^npm run build && /);
    assert.match(readFileSync(join(projectRoot, 'bin', 'ringostat-bridge'), 'utf8'), /dist', 'cli', 'index\.js'/);
  });

  it('a worker run from dist/ loads the build\'s workflow bundle: no webpack at start', () => {
    const script = `require(${JSON.stringify(join(dist, 'workers', 'temporal-worker.js'))}).workflowBundle()` +
      '.then((bundle) => process.stdout.write(JSON.stringify(bundle)))';
    const run = node(['-e', script]);
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), { codePath: join(dist, 'workflow-bundle.js') });
    assert.doesNotMatch(run.stderr, /bundler|webpack/i);
  });

  it('--if-stale does nothing when dist/ is current', () => {
    const started = Date.now();
    const run = node([join(projectRoot, 'tools', 'build', 'build'), '--if-stale']);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout + run.stderr, '', 'no build ran');
    assert.ok(Date.now() - started < 5_000, 'a staleness check, not a compile');
  });
});
