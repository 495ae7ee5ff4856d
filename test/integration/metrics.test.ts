/**
 * B10, T6 end to end: the metrics move with real calls through Kafka → dispatcher → Temporal →
 * the Bitrix24 sandbox. A call is counted once per outcome (from the workflow's metric meter,
 * through the Temporal SDK's exporter merged into /metrics), a dead letter once by reason,
 * parked calls and the broken integration rise and fall, and every metric the alert rules and
 * the dashboard name is one a live /metrics serves.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildHttpServer } from '../../http/http-app';
import { freePorts } from '../../platform/ports';
import { createKafka } from '../../platform/kafka';
import { createLogger } from '../../platform/logger';
import { startObservability, type RunningObservability } from '../../observability/bridge-observability';
import { processReadiness } from '../../observability/readiness';
import { processRegistry } from '../../platform/metrics-registry';
import { fetchSdkMetrics } from '../../observability/temporal-sdk-metrics';
import { installTemporalLogging, temporalSdkMetricsUrl } from '../../observability/temporal-logging';
import { callEvents } from '../../tools/testkit/call-events';
import { startHarness, type Harness } from '../../tools/testkit/bridge-harness';
import { inContract, metricNamesInOps, scrapedNames, sampleValue } from '../../tools/testkit/metrics-text';
import { METRIC_PREFIX } from '../../observability/metric-catalog';
import { runCli } from '../../tools/testkit/run-cli';
import { stackEnv } from '../../tools/testkit/stack-env';
import { waitFor } from '../../tools/testkit/wait-for';

void describe('metrics on the real path (B10, T6)', () => {
  let h: Harness;
  let app: FastifyInstance;
  let observability: RunningObservability;
  let project: string;
  const logger = createLogger({ level: 'silent' });

  before(async () => {
    // Before the harness: its own installTemporalLogging is then a no-op, and the SDK exports metrics.
    const [port] = await freePorts(1);
    installTemporalLogging(logger, 'WARN', { metricsAddress: `127.0.0.1:${port}` });
    h = await startHarness({ projects: [{ id: 'metrics' }] });
    project = h.projectIds[0]!;
    const sdkUrl = temporalSdkMetricsUrl()!;
    app = buildHttpServer({
      config: h.config, producer: { send: async () => [] }, topic: h.topic, logger,
      responsible: { resolve: async () => ({ result: 'not-found', cached: false, employee: null, destination: null }), invalidate() {} },
      metricsExtras: [() => processRegistry().metrics(), () => fetchSdkMetrics(sdkUrl)],
      readiness: processReadiness(),
    });
    observability = await startObservability({
      temporal: h.bridge.temporal, kafka: createKafka({ brokers: stackEnv().kafkaBrokers, clientId: 'metrics-test', logger }),
      projectIds: h.projectIds, topic: h.topic, groupId: `dispatcher-${project.split('-').pop()}`, logger, intervalMs: 60_000,
    });
  });
  after(async () => {
    await observability?.stop();
    await app?.close();
    await h?.stop();
  });

  const scrape = async () => (await app.inject({ url: '/metrics' })).body;

  void it('a completed call: its events counted as consumed, the call once by outcome', async () => {
    const events = callEvents({ projectId: project, clientNumber: '+380501110001', employee: { staffId: '101' } });
    await h.publish(events);
    const result = await h.callResult(project, events[0]!.callId);
    assert.equal(result.phase, 'completed');
    const text = await waitFor('the SDK to export the completed call', async () => {
      const t = await scrape();
      return sampleValue(t, 'ringostat_bridge_calls_completed_total', { project }) !== undefined && t;
    }, 30_000);
    for (const type of ['call.ringing', 'call.answered', 'call.ended']) {
      assert.equal(sampleValue(text, 'ringostat_bridge_events_consumed_total', { project, type, delivery: 'delivered' }), 1, type);
    }
    assert.equal(sampleValue(text, 'ringostat_bridge_calls_completed_total', { project, outcome: result.outcome }), 1, `outcome ${result.outcome}`);
    // Its Bitrix24 work, counted by the client's observer (integration/bitrix-sessions.ts gives it one per project).
    assert.ok((sampleValue(text, 'ringostat_bridge_bitrix_requests_total', { project, result: 'ok' }) ?? 0) > 0, 'Bitrix24 requests counted');
    assert.ok((sampleValue(text, 'ringostat_bridge_bitrix_limiter_wait_seconds_count', { project }) ?? 0) > 0, 'limiter waits measured');
    // Replaying the same events (Kafka redelivery) delivers nothing new and counts no second call.
    await h.publish(events.slice(-1));
    await waitFor('the replayed event', async () => sampleValue(await scrape(), 'ringostat_bridge_events_consumed_total', { project, type: 'call.ended', delivery: 'already-done' }) === 1);
    assert.equal(sampleValue(await scrape(), 'ringostat_bridge_calls_completed_total', { project, outcome: result.outcome }), 1);
  });

  void it('dead letters counted by reason, with the project when the event names a configured one (R2)', async () => {
    await h.publishRaw('not json at all');
    await h.publishRaw(JSON.stringify({ schema: 'ringostat.call-event/v1', projectId: project, type: 'call.ended', callId: 'x' }));
    const text = await waitFor('two dead letters', async () => {
      const t = await scrape();
      return sampleValue(t, 'ringostat_bridge_events_dead_lettered_total', { project, reason: 'invalid-schema' }) === 1 && t;
    });
    assert.equal(sampleValue(text, 'ringostat_bridge_events_dead_lettered_total', { project: 'unknown', reason: 'not-json' }), 1);
  });

  void it('consumer lag per partition is sampled from Kafka', async () => {
    await observability.sampleNow();
    const text = await scrape();
    for (const partition of ['0', '1', '2']) {
      assert.notEqual(sampleValue(text, 'ringostat_bridge_consumer_lag_messages', { topic: h.topic, partition }), undefined, `partition ${partition}`);
    }
  });

  void it('a revoked webhook: parked calls and the broken integration rise, and fall after reactivate (T6)', async () => {
    h.sandbox.admin.revokeWebhook(h.config.projects[0]!.bitrix24.webhookUrl);
    const parked = [1, 2].map((i) => callEvents({ projectId: project, clientNumber: `+38050222000${i}`, employee: { staffId: '101' } }));
    await h.publish(parked.flat());
    await waitFor('2 parked calls and a broken integration in /metrics', async () => {
      await observability.sampleNow();
      const text = await scrape();
      return sampleValue(text, 'ringostat_bridge_parked_calls', { project }) === 2 && sampleValue(text, 'ringostat_bridge_integration_broken', { project }) === 1;
    }, 90_000);

    const reactivated = await runCli(h, ['reactivate', '--project', project, '--webhook-url', h.sandbox.admin.createWebhook(project, 1)]);
    assert.equal(reactivated.code, 0, reactivated.stderr);
    for (const events of parked) assert.equal((await h.callResult(project, events[0]!.callId, 90_000)).phase, 'completed');
    await waitFor('no parked call and an active integration in /metrics', async () => {
      await observability.sampleNow();
      const text = await scrape();
      return sampleValue(text, 'ringostat_bridge_parked_calls', { project }) === 0 && sampleValue(text, 'ringostat_bridge_integration_broken', { project }) === 0;
    }, 60_000);
  });

  void it('every metric a live /metrics serves — the bridge\'s, Node\'s, the Temporal SDK\'s — has the prefix and is in docs/contracts.md §5', async () => {
    const families = [...(await scrape()).matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]!);
    assert.ok(families.some((name) => name.startsWith(`${METRIC_PREFIX}temporal_`)), 'the SDK\'s metrics are merged in');
    assert.deepEqual(families.filter((name) => !name.startsWith(METRIC_PREFIX)), [], `all start with ${METRIC_PREFIX}`);
    assert.deepEqual(families.filter((name) => !inContract(name)), [], 'all are in docs/contracts.md §5');
  });

  void it('every metric the alert rules and the dashboard use is served by a live /metrics', async () => {
    const served = scrapedNames(await scrape());
    const missing = metricNamesInOps().filter((name) => !served.has(name));
    assert.deepEqual(missing, [], `named in ops/ but not served: ${missing.join(', ')}`);
  });
});
