/**
 * `status` (T1, T5, B4, docs/contracts.md §4) from the integration workflow and the visibility store
 * only: a healthy project exits 0; once the portal revokes the webhook and a call parks, it
 * exits 3 naming the project, since when and why, with the parked call counted — and never
 * shows a secret, sealed or not.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KafkaHealth, TemporalHealth } from '../../observability/cluster-health';
import { startHarness, type Harness } from '../../tools/testkit/bridge-harness';
import { stackEnv } from '../../tools/testkit/stack-env';
import { callEvents } from '../../tools/testkit/call-events';
import { runCli } from '../../tools/testkit/run-cli';
import { waitFor } from '../../tools/testkit/wait-for';

interface StatusJson {
  problems: string[];
  projects: {
    projectId: string;
    integration: { status: string; brokenSince?: string; brokenReason?: string; credentialsVersion?: number };
    calls: { running: number; parked: number; oldestParked?: { workflowId: string } };
    lastErrors: { type: string; message: string }[];
  }[];
  kafka: { topic: string; lag: number };
  /** Issue 18, E6. */
  cluster: { kafka: KafkaHealth; temporal: TemporalHealth };
}

describe('CLI status (T1, T5)', () => {
  let h: Harness;
  let projectId: string;

  before(async () => {
    h = await startHarness({ projects: [{ id: 'status' }] });
    projectId = h.projectIds[0]!;
  });
  after(() => h?.stop());

  const status = async () => {
    const run = await runCli(h, ['status', '--project', projectId, '--json']);
    const secret = h.config.projects[0]!.bitrix24.webhookUrl.split('/')[5]!;
    assert.ok(!run.stdout.includes(secret) && !run.stderr.includes(secret), 'the webhook secret is never printed (R4)');
    assert.doesNotMatch(run.stdout, /"(webhook|configWebhook|roundRobin)"/, 'sealed secrets and internals stay out of --json');
    return { code: run.code, report: JSON.parse(run.stdout) as StatusJson, stderr: run.stderr };
  };

  it('healthy: exit 0; broken with a parked call: exit 3, since when and why', async () => {
    const healthyCall = callEvents({ projectId, clientNumber: '+380508880001', employee: { staffId: '101' } });
    await h.publish(healthyCall);
    assert.equal((await h.callResult(projectId, healthyCall[0]!.callId)).phase, 'completed');

    const healthy = await status();
    assert.equal(healthy.code, 0, `${healthy.stderr}\n${healthy.report.problems.join('\n')}`);
    const project = healthy.report.projects[0]!;
    assert.ok(['active', 'not started'].includes(project.integration.status), project.integration.status);
    assert.equal(project.calls.parked, 0);
    assert.equal(healthy.report.kafka.topic, h.topic);
    // E6: the clusters' health, healthy here (the contact-cards topic the harness does not create is only a warning).
    const { kafka, temporal } = healthy.report.cluster;
    assert.deepEqual(kafka.brokers.configured, stackEnv().kafkaBrokers);
    assert.ok(kafka.brokers.listed.length >= 1 && kafka.brokers.notListed.length === 0, JSON.stringify(kafka.brokers));
    assert.deepEqual(kafka.topics.slice(0, 2).map((t) => [t.topic, t.state, t.offline, t.underReplicated]), [[h.topic, 'ok', 0, 0], [`${h.topic}.dlq`, 'ok', 0, 0]]);
    assert.equal(kafka.topics[0]!.partitions, 3);
    assert.deepEqual(kafka.problems, []);
    assert.equal(temporal.frontend, 'reachable');
    for (const service of ['frontend', 'history', 'matching', 'worker']) assert.ok((temporal.services?.[service]?.members ?? 0) >= 1, JSON.stringify(temporal.services));
    assert.deepEqual(temporal.problems, []);

    h.sandbox.admin.revokeWebhook(h.config.projects[0]!.bitrix24.webhookUrl);
    const parkedCall = callEvents({ projectId, clientNumber: '+380508880002', employee: { staffId: '101' } });
    await h.publish(parkedCall);

    const broken = await waitFor('status: broken with one parked call', async () => {
      const run = await status();
      return run.report.projects[0]?.calls.parked === 1 && run.report.projects[0]?.integration.status === 'broken' && run;
    }, 90_000);
    assert.equal(broken.code, 3);
    const { integration, calls, lastErrors } = broken.report.projects[0]!;
    assert.ok(integration.brokenSince && Date.parse(integration.brokenSince) > Date.now() - 120_000, `brokenSince ${integration.brokenSince}`);
    assert.ok(integration.brokenReason, 'the reason is shown');
    assert.match(calls.oldestParked?.workflowId ?? '', new RegExp(parkedCall[0]!.callId));
    assert.ok(lastErrors.length > 0, 'the last Bitrix24 errors are listed');
    assert.ok(broken.report.problems.some((p) => p.startsWith(`${projectId}: broken since `)), broken.report.problems.join('\n'));

    const human = await runCli(h, ['status', '--project', projectId]);
    assert.equal(human.code, 3);
    assert.match(human.stdout, new RegExp(`^${projectId}\\s+broken\\s+\\S+ ago\\s+\\d+\\s+1\\s`, 'm'), human.stdout);
    assert.match(human.stdout, new RegExp(`^kafka cluster: \\d+ brokers? \\[[^\\]]*\\](, controller \\d+)?; ${h.topic}: 3 partitions, RF \\d, min ISR \\d, 0 offline, 0 under-replicated`, 'm'), human.stdout);
    assert.match(human.stdout, /^temporal cluster: frontend \S+ reachable, server 1\.\d+\.\d+.*; members: frontend \d+, history \d+, matching \d+, worker \d+/m, human.stdout);
  });
});
