/**
 * Issue 12 "Done when", second item (R4, R7): no webhook secret — the `{secret}` segment of
 * `https://{portal}/rest/{user}/{secret}/` — reaches the logs of any process, any message on
 * Kafka, the decoded histories (and descriptions) of the workflows, what the Temporal server and
 * the Kafka broker store on disk, or the process list; with BRIDGE_SECRET_KEY set (a configured
 * project, its webhook revoked, a refused and an accepted reactivation through the CLI with
 * `--webhook-url -`), and with the demo's throw-away key (no CONFIG_PATH). The config file is the
 * operator's own and may hold the secret; nothing else may.
 */
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Client } from '@temporalio/client';
import type { Producer } from 'kafkajs';
import { freePorts } from '../../platform/ports';
import { startSandbox, type Sandbox } from '../../tools/sandbox';
import type { CallEvent } from '../../schemas/call-event';
import { callEvents } from '../../tools/testkit/call-events';
import {
  connectTemporal, createTestPortal, decodedHistoryText, leaksIn, listWorkflows, newSecretKey, parkedCount,
  processList, projectConfig, publishEvents, quietKafka, readAllMessages, runCli, spawnCli, startBridgeProcess, startOwnStack,
  tearDownTest, tail, tempDir, waitForCalls, waitForWorkerPolling, waitUntil, writeConfig, type OwnStack, type ProcessHandle,
} from '../../tools/testkit/bridge-process';

/** Every file under `dir` (recursively), read as bytes (latin1 keeps each byte one character), one at a time. */
function eachFileText(dir: string, visit: (file: string, text: string) => void): void {
  if (!fs.existsSync(dir)) return;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) eachFileText(full, visit);
    else if (entry.isFile()) visit(full, fs.readFileSync(full).toString('latin1'));
  }
}

/** Samples `ps -eo args` every 200 ms until stopped. */
function sampleProcessList(): { stop(): Promise<string[]> } {
  const samples: string[] = [];
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      samples.push(await processList().catch(() => ''));
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      return samples;
    },
  };
}

function calls(projectId: string, count: number, prefix: string): Array<{ callId: string; events: CallEvent[] }> {
  return Array.from({ length: count }, (_, i) => {
    const events = callEvents({ projectId, clientNumber: `+38067${prefix}${String(i).padStart(4, '0')}`, employee: { staffId: '101' } });
    return { callId: (events[0] as CallEvent).callId, events };
  });
}

describe('no webhook secret outside the config file (R4, R7)', () => {
  const suffix = randomUUID().slice(0, 8);
  let root: string;
  let stack: OwnStack;
  let client: Client;
  let closeTemporal: (() => Promise<void>) | undefined;
  let producer: Producer | undefined;
  let sandbox: Sandbox | undefined;

  before(async () => {
    root = await tempDir('secrets-leak');
    // Its own Temporal and Kafka: everything on them, and on their disks, is this test's to scan.
    stack = await startOwnStack(root, []);
    ({ client, close: closeTemporal } = await connectTemporal(stack.temporalAddress));
    producer = quietKafka(stack.kafkaBrokers).producer();
    await producer.connect();
  });

  after(async () => {
    await tearDownTest({ name: 'secrets-leak', producer, closeTemporal, sandbox, stack, root });
  });

  /** Scans every place a secret must not reach; returns the findings by place (labels only, never a secret). */
  async function scan(options: { webhooks: Record<string, string>; logDir: string; processLists: string[]; secretKey?: string }): Promise<Record<string, string[]>> {
    const findings: Record<string, string[]> = {};
    const check = (place: string, text: string) => {
      const found = leaksIn(text, options.webhooks);
      if (options.secretKey && text.includes(options.secretKey)) found.push('BRIDGE_SECRET_KEY');
      if (found.length) findings[place] = found;
    };
    // Logs: every process's captured stdout and stderr, the CLI's included.
    for (const file of fs.readdirSync(options.logDir)) check(`log ${file}`, fs.readFileSync(path.join(options.logDir, file), 'utf8'));
    // Kafka: every message of every topic, then the broker's files (whatever it keeps, compressed or not).
    const kafka = await readAllMessages(stack.kafkaBrokers);
    assert.ok(kafka.messages > 0, 'the broker holds the call events that were scanned');
    check('kafka messages', kafka.text);
    eachFileText(stack.kafkaDataDir, (file, text) => check(`kafka data file ${path.relative(stack.kafkaDataDir, file)}`, text));
    // Temporal: every workflow's decoded history and description, then the server's SQLite files.
    const workflows = await listWorkflows(client);
    assert.ok(workflows.some((w) => w.workflowId.startsWith('integration:')), 'the integration workflow is among the scanned histories');
    assert.ok(workflows.some((w) => w.workflowId.startsWith('call:')), 'call workflows are among the scanned histories');
    for (const w of workflows) {
      check(`history of ${w.workflowId}`, await decodedHistoryText(client, w.workflowId, w.runId));
      const { raw } = await client.workflow.getHandle(w.workflowId, w.runId).describe();
      check(`description of ${w.workflowId}`, JSON.stringify(raw, function replacer(this: Record<string, unknown>, key: string, value: unknown) {
        const original = this[key];
        return original instanceof Uint8Array ? Buffer.from(original).toString('utf8') : value;
      }));
    }
    eachFileText(path.dirname(stack.temporalDbFile), (file, text) => check(`temporal data file ${path.basename(file)}`, text));
    // The process list, sampled while the bridge and the CLI ran.
    check('process list', options.processLists.join('\n'));
    return findings;
  }

  it('with BRIDGE_SECRET_KEY set: logs, Kafka, histories and the process list never hold a webhook secret', { timeout: 15 * 60_000 }, async () => {
    const logDir = path.join(root, 'logs-key');
    const projectId = `leak-${suffix}`;
    const topic = `leak-events-${suffix}`;
    const secretKey = newSecretKey();
    sandbox = await startSandbox({ port: 0, rateLimit: { enabled: false, perSecond: 2, burst: 50 } });
    const webhookA = createTestPortal(sandbox, projectId);
    const ingestToken = randomBytes(16).toString('hex');
    const configPath = path.join(root, 'config-key.json');
    await writeConfig(configPath, [projectConfig(projectId, webhookA, { ingestToken })]);
    const common = { configPath, temporalAddress: stack.temporalAddress, kafkaBrokers: stack.kafkaBrokers, topic, secretKey, logDir };
    const ps = sampleProcessList();

    const bridge = await startBridgeProcess({ ...common, name: 'bridge', components: ['worker', 'dispatcher', 'http'], logLevel: 'debug' });
    await waitForWorkerPolling(client, bridge);
    const flowing = calls(projectId, 4, '81');
    await publishEvents(producer as Producer, topic, flowing.flatMap((c) => c.events));
    await waitForCalls(client, projectId, flowing.map((c) => c.callId), 180_000);
    // Smart forwarding reads the CRM with the webhook too.
    const responsible = await fetch(`http://127.0.0.1:${bridge.httpPort}/v1/projects/${projectId}/responsible?phone=%2B380678100000`, {
      headers: { authorization: `Bearer ${ingestToken}` },
    }).catch(() => undefined);
    assert.ok(responsible === undefined || responsible.status < 500, 'the responsible endpoint answers');

    // Broken: the error paths are where URLs tend to get logged.
    sandbox.admin.revokeWebhook(webhookA);
    const parked = calls(projectId, 2, '82');
    await publishEvents(producer as Producer, topic, parked.flatMap((c) => c.events));
    await waitUntil('2 parked calls', async () => ((await parkedCount(client, projectId)) === 2 ? true : undefined), 180_000,
      () => tail(bridge.output(), 15));

    // A refused webhook (never issued by the portal) and an accepted one, both through stdin.
    const webhookC = `${sandbox.baseUrl}/rest/1/${randomBytes(12).toString('hex')}/`;
    const refused = await runCli({ ...common, name: 'cli-refused', args: ['reactivate', '--project', projectId, '--webhook-url', '-'], stdin: webhookC });
    assert.equal(refused.code, 1, `refused: ${tail(refused.output)}`);
    const webhookB = sandbox.admin.createWebhook(projectId, 1);
    const cli = await spawnCli({ ...common, name: 'cli-reactivate', args: ['reactivate', '--project', projectId, '--webhook-url', '-'], stdin: webhookB });
    const psDuringCli = await processList();
    const result = await Promise.race([cli.exit, new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 240_000))]);
    assert.notEqual(result, 'timeout', 'reactivate finished');
    assert.equal(typeof result === 'object' ? result.code : -1, 0, `accepted: ${tail(cli.output())}`);
    await waitForCalls(client, projectId, parked.map((c) => c.callId), 180_000);
    const later = calls(projectId, 2, '83');
    await publishEvents(producer as Producer, topic, later.flatMap((c) => c.events));
    await waitForCalls(client, projectId, later.map((c) => c.callId), 180_000);
    const status = await runCli({ ...common, name: 'cli-status', args: ['status', '--project', projectId, '--json'] });
    assert.equal(status.code, 0, tail(status.output));
    await runCli({ ...common, name: 'cli-status-human', args: ['status', '--project', projectId] });

    await bridge.stop();
    const processLists = [...(await ps.stop()), psDuringCli];
    assert.ok(processLists.some((list) => list.includes('reactivate') && list.includes('--webhook-url -')), 'the CLI was sampled in the process list while it ran');
    const findings = await scan({ webhooks: { A: webhookA, B: webhookB, C: webhookC }, logDir, processLists, secretKey });
    assert.deepEqual(findings, {}, 'no webhook secret (nor the key) outside the config file');
    await sandbox.stop();
    sandbox = undefined;
  });

  it('the demo with its throw-away key (no CONFIG_PATH): no secret of the demo webhook outside its config file', { timeout: 15 * 60_000 }, async () => {
    const logDir = path.join(root, 'logs-demo');
    const topic = `demo-events-${suffix}`;
    const [sandboxPort, httpPort] = (await freePorts(2)) as [number, number];
    const ps = sampleProcessList();
    const demo = await startBridgeProcess({
      name: 'demo', temporalAddress: stack.temporalAddress, kafkaBrokers: stack.kafkaBrokers, topic, logDir, httpPort,
      logLevel: 'debug', env: { SANDBOX_PORT: String(sandboxPort) },
    });
    const demoConfigFile = path.join(demo.dataDir, 'demo-config.json');
    const demoConfig = await waitUntil('the demo\'s config file', async () => {
      if (demo.exited()) throw new Error(`the demo exited: ${tail(demo.output())}`);
      try {
        return JSON.parse(fs.readFileSync(demoConfigFile, 'utf8')) as { projects: Array<{ id: string; bitrix24: { webhookUrl: string } }> };
      } catch {
        return undefined;
      }
    }, 180_000);
    const project = demoConfig.projects[0] as { id: string; bitrix24: { webhookUrl: string } };
    const webhookD = project.bitrix24.webhookUrl;
    await waitForWorkerPolling(client, demo);
    assert.match(demo.output(), /BRIDGE_SECRET_KEY|throw-?away/i, 'the demo says it made a throw-away key');

    const flowing = calls(project.id, 3, '91');
    await publishEvents(producer as Producer, topic, flowing.flatMap((c) => c.events));
    await waitForCalls(client, project.id, flowing.map((c) => c.callId), 180_000);
    // Revoke the demo webhook through the sandbox's admin API: calls park, error paths run.
    const revoked = await fetch(`http://127.0.0.1:${sandboxPort}/_sandbox/webhooks/revoke`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ url: webhookD }),
    });
    assert.ok(revoked.ok, 'revoked the demo webhook');
    const parked = calls(project.id, 1, '92');
    await publishEvents(producer as Producer, topic, parked.flatMap((c) => c.events));
    await waitUntil('the demo call parked', async () => ((await parkedCount(client, project.id)) >= 1 ? true : undefined), 180_000);
    const status = await runCli({
      name: 'cli-demo-status', configPath: demoConfigFile, args: ['status', '--json'], temporalAddress: stack.temporalAddress,
      kafkaBrokers: stack.kafkaBrokers, topic, logDir,
    });
    assert.ok([0, 3].includes(status.code), `status ran: ${tail(status.output)}`);

    await (demo as ProcessHandle).stop();
    const findings = await scan({ webhooks: { D: webhookD }, logDir, processLists: await ps.stop() });
    assert.deepEqual(findings, {}, 'no secret of the demo webhook outside .data/demo-config.json');
  });
});
