/** Worker Versioning's start-up promotion (workers/deployment-version.ts) and build-id order (platform/worker-deployment.ts). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { promotionDecision } from '../../workers/deployment-version';
import { compareBuildIds, packageBuildId } from '../../platform/worker-deployment';

const deployment = (current?: string, ramping?: { buildId: string; percentage: number }) => ({
  name: 'ringostat-bridge', versions: [], ...(current ? { current } : {}), ...(ramping ? { ramping } : {}),
});

describe('worker versions: which build is newer, and who promotes itself', () => {
  it('orders build ids as semantic versions; ids that are not versions have no order', () => {
    assert.equal(compareBuildIds('0.2.0', '0.1.9'), 1);
    assert.equal(compareBuildIds('0.10.0', '0.9.0'), 1, 'numerically, not as text');
    assert.equal(compareBuildIds('1.0.0', '1.0.0'), 0);
    assert.equal(compareBuildIds('1.0.0-rc.1', '1.0.0'), -1, 'a pre-release is older than its release');
    assert.equal(compareBuildIds('1.0.0-rc.10', '1.0.0-rc.9'), 1);
    assert.equal(compareBuildIds('1.0.0-alpha', '1.0.0-alpha.1'), -1);
    assert.equal(compareBuildIds('v1.2.3', '1.2.2'), 1);
    assert.equal(compareBuildIds('1.2.3+build.7', '1.2.3'), 0, 'build metadata does not order');
    assert.equal(compareBuildIds('3f9c2e1', '0.1.0'), undefined);
  });

  it('the default build id is package.json\'s version', () => {
    assert.match(packageBuildId(), /^\d+\.\d+\.\d+/);
  });

  it('auto promotion: a first worker, or a newer build, becomes current; an older or unordered one does not', () => {
    assert.deepEqual(promotionDecision(undefined, '0.1.0'), { promote: true, why: 'the deployment has no current version' });
    assert.equal(promotionDecision(deployment(), '0.1.0').promote, true);
    assert.equal(promotionDecision(deployment('0.1.0'), '0.2.0').promote, true);
    const same = promotionDecision(deployment('0.2.0'), '0.2.0');
    assert.deepEqual(same, { promote: false, why: 'already the current version', warn: false });
    // An old worker restarting in the middle of a rolling deploy must not take the calls back.
    const older = promotionDecision(deployment('0.2.0'), '0.1.0');
    assert.equal(older.promote, false);
    assert.ok(!older.promote && older.warn && /0\.2\.0 is newer/.test(older.why));
    assert.equal(promotionDecision(deployment('0.1.0'), 'feature-x').promote, false);
  });

  it('never promotes over a ramp an operator started', () => {
    const ramping = promotionDecision(deployment('0.1.0', { buildId: '0.2.0', percentage: 10 }), '0.3.0');
    assert.equal(ramping.promote, false);
    assert.ok(!ramping.promote && /ramping 0\.2\.0 \(10 %\)/.test(ramping.why));
  });
});
