/**
 * B10 and docs/contracts.md §5 on several hosts: a process that runs only the worker or only the
 * dispatcher (BRIDGE_COMPONENTS) still answers /healthz, /readyz and /metrics on its HTTP_PORT,
 * so a supervisor can probe it and Prometheus can scrape its own Bitrix24 and dispatcher
 * metrics; the webhook and routing endpoints stay with the HTTP component. Real processes
 * (`node dist/workers/main.js`, the build) on the test stack, against the Bitrix24 sandbox.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Client } from '@temporalio/client';
import type { Producer } from 'kafkajs';
import { startSandbox, type Sandbox } from '../../tools/sandbox';
import type { CallEvent } from '../../schemas/call-event';
import { callEvents } from '../../tools/testkit/call-events';
import {
  connectTemporal, createTestPortal, newSecretKey, projectConfig, publishEvents, quietKafka, startBridgeProcess, tearDownTest,
  tempDir, waitForCalls, waitForWorkerPolling, waitUntil, writeConfig, type ProcessHandle,
} from '../../tools/testkit/bridge-process';
import { stackEnv } from '../../tools/testkit/stack-env';

describe('health and metrics on every process, whatever it runs (B10, docs/contracts.md §5)', () => {
  const projectId = `ops-${randomUUID().slice(0, 8)}`;
  const topic = `${projectId}-events`;
  const secretKey = newSecretKey();
  let root: string;
  let sandbox: Sandbox;
  let client: Client;
  let closeTemporal: (() => Promise<void>) | undefined;
  let producer: Producer | undefined;
  const processes: Array<ProcessHandle & { httpPort: number }> = [];

  before(async () => {
    root = await tempDir('ops-endpoints');
    sandbox = await startSandbox({ port: 0, rateLimit: { enabled: false, perSecond: 2, burst: 50 } });
    const { temporalAddress, kafkaBrokers } = stackEnv();
    ({ client, close: closeTemporal } = await connectTemporal(temporalAddress));
    const kafka = quietKafka(kafkaBrokers);
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }, { topic: `${topic}.dlq`, numPartitions: 1 }], waitForLeaders: true });
    await admin.disconnect();
    producer = kafka.producer();
    await producer.connect();
  });

  after(async () => {
    for (const p of processes) await p.stop().catch(() => undefined);
    await tearDownTest({ name: 'ops-endpoints', producer, closeTemporal, sandbox, root });
  });

  it('a worker-only and a dispatcher-only process each answer /healthz, /readyz and /metrics, and no webhook endpoint', { timeout: 5 * 60_000 }, async () => {
    const configPath = path.join(root, 'config.json');
    await writeConfig(configPath, [projectConfig(projectId, createTestPortal(sandbox, projectId), { ingestToken: 'ops-token-0123456789' })]);
    const { temporalAddress, kafkaBrokers } = stackEnv();
    const common = { configPath, temporalAddress, kafkaBrokers, topic, secretKey, logDir: path.join(root, 'logs'), groupId: `${topic}-dispatcher`, logLevel: 'info' };
    const worker = await startBridgeProcess({ ...common, name: 'worker-only', components: ['worker'] });
    const dispatcher = await startBridgeProcess({ ...common, name: 'dispatcher-only', components: ['dispatcher'] });
    processes.push(worker, dispatcher);
    await waitForWorkerPolling(client, worker);

    // A call through both, so that each has something of its own to report.
    const events = callEvents({ projectId, clientNumber: '+380631230001', employee: { staffId: '101' } });
    await publishEvents(producer as Producer, topic, events);
    await waitForCalls(client, projectId, [(events[0] as CallEvent).callId], 120_000);

    const get = (p: { httpPort: number }, route: string) => fetch(`http://127.0.0.1:${p.httpPort}${route}`);
    for (const [name, p, part] of [['worker', worker, 'worker'], ['dispatcher', dispatcher, 'dispatcher']] as const) {
      assert.equal((await get(p, '/healthz')).status, 200, `${name}: /healthz`);
      const ready = await waitUntil(`${name} ready`, async () => {
        const res = await get(p, '/readyz');
        return res.status === 200 ? (await res.json()) as { checks: Record<string, unknown> } : undefined;
      }, 60_000);
      assert.ok(part in ready.checks, `${name}: /readyz checks its own part (${Object.keys(ready.checks).join(', ')})`);
      assert.ok(!('worker' in ready.checks && 'dispatcher' in ready.checks), `${name}: only the part it runs`);
      const webhook = await fetch(`http://127.0.0.1:${p.httpPort}/v1/projects/${projectId}/ringostat-webhook?token=ops-token-0123456789`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
      assert.equal(webhook.status, 404, `${name}: the webhook endpoint belongs to the HTTP component`);
    }
    // Each process's own metrics: Bitrix24 requests on the worker, consumed events on the dispatcher.
    const workerMetrics = await (await get(worker, '/metrics')).text();
    assert.match(workerMetrics, /^ringostat_bridge_bitrix_requests_total\{[^}]*project="[^"]*"[^}]*\} [1-9]/m, 'worker: its Bitrix24 requests');
    const dispatcherMetrics = await (await get(dispatcher, '/metrics')).text();
    assert.match(dispatcherMetrics, /^ringostat_bridge_events_consumed_total\{[^}]*delivery="delivered"[^}]*\} [1-9]/m, 'dispatcher: the events it delivered');
  });
});
