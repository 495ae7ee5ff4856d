/**
 * Support for the multi-process tests (issue 12, R7): bridge processes and the operator CLI as
 * separate OS processes that share nothing but Kafka, Temporal and the config file — each with
 * its own DATA_DIR, its output captured to a file —, plus a Temporal dev server and a Kafka
 * broker of the test's own (so the test may stop and start them), and the read-only probes the
 * tests assert with: Temporal pollers and pending activities, the integration state, CRM
 * expectations on the sandbox, every message on a Kafka broker, decoded workflow histories.
 *
 * Every process is spawned as the leader of its own process group and killed as a group, so
 * nothing it started outlives the test; `stopAllProcesses()` belongs in every `after`.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { startKafkaBroker, type KafkaBroker } from '../infra/kafka-broker';
import { projectRoot } from '../../platform/paths';
import { freePorts } from '../../platform/ports';
import { startTemporalDevServer, type TemporalDevServer } from '../infra/temporal-server';
import { startSandbox, type Sandbox } from '../sandbox';
import { callEventKey, type CallEvent } from '../../schemas/call-event';
import type { CallResult, IntegrationState } from '../../schemas/workflow-io';
import { callWorkflowId, integrationWorkflowId, TASK_QUEUE } from '../../workflows/contract';
import { createTestTopic, employees, portalUsers } from './bridge-harness';
import { waitForFullIsr } from '../infra/cluster/kafka-cluster';
import { stackEnv } from './stack-env';
import { clusterControlUrl } from './cluster-control';
import { clusterOwnStack } from './cluster-own-stack';

export { employees, portalUsers };

/** The build (`npm run build`; the test runner makes it): processes run as users run them, on plain node. */
const DIST = path.join(projectRoot, 'dist');

/** 32 random bytes, base64: a deployment's BRIDGE_SECRET_KEY (docs/contracts.md §2). */
export function newSecretKey(): string {
  return randomBytes(32).toString('base64');
}

/** The secret segment of `https://{portal}/rest/{user}/{secret}/`. */
export function webhookSecret(webhookUrl: string): string {
  const match = /\/rest\/\d+\/([^/?#]+)/.exec(webhookUrl);
  assert.ok(match?.[1], 'a webhook URL of the form …/rest/{user}/{secret}/');
  return match[1];
}

/** The ways a leaked secret could be spelled in captured bytes: plain, base64 and hex of the secret, base64 of the URL. */
export function secretSpellings(webhookUrl: string): string[] {
  const secret = webhookSecret(webhookUrl);
  return [
    secret,
    Buffer.from(secret).toString('base64').replace(/=+$/, ''),
    Buffer.from(secret).toString('hex'),
    Buffer.from(webhookUrl).toString('base64').replace(/=+$/, ''),
  ];
}

/** Where (by label) any spelling of any of the webhooks' secrets occurs in `text`; never prints a secret. */
export function leaksIn(text: string, webhooks: Record<string, string>): string[] {
  const found: string[] = [];
  for (const [name, url] of Object.entries(webhooks)) {
    secretSpellings(url).forEach((spelling, i) => {
      if (text.includes(spelling)) found.push(`${name} (${['plain', 'base64', 'hex', 'url-base64'][i]})`);
    });
  }
  return found;
}

export async function tempDir(prefix: string): Promise<string> {
  return mkdtemp(path.join(tmpdir(), `${prefix}-`));
}

// ---------------------------------------------------------------------------------------------
// Processes

export type Component = 'worker' | 'dispatcher' | 'http';

export interface ProcessHandle {
  name: string;
  pid: number;
  /** Its own DATA_DIR. */
  dataDir: string;
  /** stdout and stderr, both, as the process wrote them. */
  logFile: string;
  startedAt: number;
  /** Everything it printed so far. */
  output(): string;
  exited(): boolean;
  /** Resolves when the process has exited, with its exit code or signal. */
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Signals the whole process group. */
  kill(signal: NodeJS.Signals): void;
  /** SIGTERM to the group, SIGKILL after `graceMs`; resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
}

const running = new Set<ProcessHandle>();
const started: number[] = [];
/** DATA_DIRs of the processes started here: removed by stopAllProcesses (unless KEEP_TEST_DATA). */
const dataDirs: string[] = [];

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is gone already.
  }
}

// A test that dies without its `after` still must not leave bridges running.
process.once('exit', () => {
  for (const handle of running) killGroup(handle.pid, 'SIGKILL');
});

export function spawnLogged(options: {
  name: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  dataDir: string;
  logDir: string;
  stdin?: 'pipe' | 'ignore';
}): { handle: ProcessHandle; child: ChildProcess } {
  fs.mkdirSync(options.logDir, { recursive: true });
  const logFile = path.join(options.logDir, `${options.name}.log`);
  const fd = fs.openSync(logFile, 'a');
  const child = spawn(process.execPath, options.args, {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    stdio: [options.stdin ?? 'ignore', fd, fd],
  });
  fs.closeSync(fd);
  if (child.pid === undefined) throw new Error(`${options.name}: could not spawn`);
  const pid = child.pid;
  let done = false;
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      done = true;
      running.delete(handle);
      resolve({ code, signal });
    });
    child.once('error', () => {
      done = true;
      running.delete(handle);
      resolve({ code: null, signal: null });
    });
  });
  const handle: ProcessHandle = {
    name: options.name,
    pid,
    dataDir: options.dataDir,
    logFile,
    startedAt: Date.now(),
    output: () => fs.readFileSync(logFile, 'utf8'),
    exited: () => done,
    exit,
    kill: (signal) => killGroup(pid, signal),
    async stop(graceMs = 15_000) {
      if (done) {
        killGroup(pid, 'SIGKILL'); // anything it left in its group
        return;
      }
      killGroup(pid, 'SIGTERM');
      const timer = setTimeout(() => killGroup(pid, 'SIGKILL'), graceMs);
      await exit;
      clearTimeout(timer);
      killGroup(pid, 'SIGKILL');
    },
  };
  running.add(handle);
  started.push(pid);
  dataDirs.push(options.dataDir);
  return { handle, child };
}

/** The environment a child starts from: the test's, less what would point it at shared state. */
export function baseEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of ['CONFIG_PATH', 'CREDENTIALS_DIR', 'DATA_DIR', 'BRIDGE_SECRET_KEY', 'BRIDGE_COMPONENTS', 'DISPATCHER_GROUP_ID',
    'HTTP_PORT', 'SANDBOX_PORT', 'TEMPORAL_ADDRESS', 'KAFKA_BROKERS', 'CALL_EVENTS_TOPIC', 'NODE_TEST_CONTEXT', 'NODE_OPTIONS']) {
    delete env[name];
  }
  return env;
}

/** What every process of one test deployment shares (docs/contracts.md §2), over a data folder of its own. */
function deploymentEnv(
  dataDir: string, options: { temporalAddress: string; kafkaBrokers: string[]; topic: string; secretKey?: string },
): NodeJS.ProcessEnv {
  return {
    ...baseEnv(),
    DATA_DIR: dataDir,
    TEMPORAL_ADDRESS: options.temporalAddress,
    KAFKA_BROKERS: options.kafkaBrokers.join(','),
    CALL_EVENTS_TOPIC: options.topic,
    ...(options.secretKey ? { BRIDGE_SECRET_KEY: options.secretKey } : {}),
  };
}

export interface BridgeProcessOptions {
  name: string;
  /** CONFIG_PATH; absent → the demo (its own sandbox, a throw-away key). */
  configPath?: string;
  temporalAddress: string;
  kafkaBrokers: string[];
  topic: string;
  /** BRIDGE_SECRET_KEY; absent → not set at all. */
  secretKey?: string;
  components?: Component[];
  groupId?: string;
  /** Always set (a free port when not given), so that no two processes fight over 8080. */
  httpPort?: number;
  logDir: string;
  logLevel?: string;
  env?: Record<string, string>;
}

/** `node dist/workers/main.js` (what `npm start` runs; `--demo` without a config) as its own process, with its own DATA_DIR. */
export async function startBridgeProcess(options: BridgeProcessOptions): Promise<ProcessHandle & { httpPort: number }> {
  const dataDir = await tempDir(`bridge-${options.name}-data`);
  const [freePort] = await freePorts(1);
  const httpPort = options.httpPort ?? (freePort as number);
  const env: NodeJS.ProcessEnv = {
    ...deploymentEnv(dataDir, options),
    HTTP_PORT: String(httpPort),
    LOG_LEVEL: options.logLevel ?? 'debug',
    ...(options.configPath ? { CONFIG_PATH: options.configPath } : {}),
    ...(options.components ? { BRIDGE_COMPONENTS: options.components.join(',') } : {}),
    ...(options.groupId ? { DISPATCHER_GROUP_ID: options.groupId } : {}),
    ...options.env,
  };
  const { handle } = spawnLogged({
    name: options.name, args: [path.join(DIST, 'workers', 'main.js'), ...(options.configPath ? [] : ['--demo'])],
    env, cwd: projectRoot, dataDir, logDir: options.logDir,
  });
  return Object.assign(handle, { httpPort });
}

export interface CliOptions {
  name: string;
  configPath: string;
  args: string[];
  /** Written to its stdin, then closed (the webhook for `--webhook-url -`). */
  stdin?: string;
  temporalAddress: string;
  kafkaBrokers: string[];
  topic: string;
  secretKey?: string;
  logDir: string;
}

/** The operator CLI as its own process, from a folder of its own (its DATA_DIR is its cwd). */
export async function spawnCli(options: CliOptions): Promise<ProcessHandle> {
  const dataDir = await tempDir(`bridge-${options.name}-data`);
  const env: NodeJS.ProcessEnv = { ...deploymentEnv(dataDir, options), LOG_LEVEL: 'info' };
  const { handle, child } = spawnLogged({
    name: options.name,
    args: [path.join(DIST, 'cli', 'index.js'), '--config', options.configPath, ...options.args],
    env, cwd: dataDir, dataDir, logDir: options.logDir, stdin: 'pipe',
  });
  child.stdin?.on('error', () => undefined);
  child.stdin?.end(options.stdin ?? '');
  return handle;
}

/** Runs the CLI to its end (bounded): exit code and everything it printed. */
export async function runCli(options: CliOptions & { timeoutMs?: number }): Promise<{ code: number; output: string; pid: number }> {
  const handle = await spawnCli(options);
  const timeoutMs = options.timeoutMs ?? 180_000;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => { timer = setTimeout(() => resolve('timeout'), timeoutMs); });
  const result = await Promise.race([handle.exit, timedOut]);
  clearTimeout(timer);
  if (result === 'timeout') {
    await handle.stop(2_000);
    throw new Error(`CLI ${options.args.join(' ')} did not finish in ${timeoutMs} ms; it printed:\n${handle.output()}`);
  }
  return { code: result.code ?? 128, output: handle.output(), pid: handle.pid };
}

/** Stops every process started here that still runs (group SIGTERM, then SIGKILL). */
export async function stopAllProcesses(graceMs = 10_000): Promise<void> {
  await Promise.all([...running].map((handle) => handle.stop(graceMs)));
  if (process.env.KEEP_TEST_DATA) return;
  for (const dir of dataDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/**
 * The `after` of a multi-process test: every process it started, then its connections, sandbox
 * and stack, then its temp data (kept with KEEP_TEST_DATA) — and nothing of it may be left running.
 */
export async function tearDownTest(parts: {
  name: string;
  producer?: Producer;
  closeTemporal?: () => Promise<void>;
  sandbox?: { stop(): Promise<void> };
  stack?: { stop(): Promise<void> };
  root?: string;
}): Promise<void> {
  await stopAllProcesses();
  await parts.producer?.disconnect().catch(() => undefined);
  await parts.closeTemporal?.().catch(() => undefined);
  await parts.sandbox?.stop();
  await parts.stack?.stop();
  if (parts.root && !process.env.KEEP_TEST_DATA) fs.rmSync(parts.root, { recursive: true, force: true });
  else if (parts.root) process.stderr.write(`[${parts.name}] test data and process logs kept in ${parts.root}\n`);
  assert.deepEqual(leftoverProcessGroups(), [], 'no process of the test is left behind');
}

export interface SharedStackTest {
  root: string;
  sandbox: Sandbox;
  client: Client;
  closeTemporal: () => Promise<void>;
  producer: Producer;
  /** Everything above, and every process the test started: the test's `after`. */
  tearDown(): Promise<void>;
}

/**
 * The `before` of a multi-process test on the test run's Temporal and Kafka (stack-env): a temp
 * folder, a sandbox, a Temporal client, the test's own topic with its DLQ, a connected producer.
 */
export async function startSharedStackTest(name: string, topic: string): Promise<SharedStackTest> {
  const root = await tempDir(name);
  const sandbox = await startSandbox({ port: 0, rateLimit: { enabled: false, perSecond: 2, burst: 50 } });
  const { temporalAddress, kafkaBrokers } = stackEnv();
  const { client, close: closeTemporal } = await connectTemporal(temporalAddress);
  const producer = await createTestTopic(quietKafka(kafkaBrokers), topic, kafkaBrokers);
  return { root, sandbox, client, closeTemporal, producer, tearDown: () => tearDownTest({ name, producer, closeTemporal, sandbox, root }) };
}

/** Pids of processes started here that still run (for an end-of-test "nothing left behind" check). */
export function runningPids(): number[] {
  return [...running].map((handle) => handle.pid);
}

// ---------------------------------------------------------------------------------------------
// The test's own Temporal + Kafka, which it may stop and start again

export interface OwnStack {
  temporalAddress: string;
  kafkaBrokers: string[];
  temporalDbFile: string;
  kafkaDataDir: string;
  restartTemporal(): Promise<void>;
  restartKafka(): Promise<void>;
  stop(): Promise<void>;
}

/** A Temporal dev server (SQLite file) and a single-node Kafka broker on free ports, state under `dir`. */
export async function startOwnStack(dir: string, topics: Array<{ topic: string; numPartitions: number }>): Promise<OwnStack> {
  // STACK=cluster: the test runs on the runner's cluster, restarted through its fault control.
  if (clusterControlUrl()) return clusterOwnStack(dir, topics);
  const [temporalPort, uiPort, kafkaPort, controllerPort] = (await freePorts(4)) as [number, number, number, number];
  const temporalDbFile = path.join(dir, 'temporal', 'temporal.db');
  const kafkaDataDir = path.join(dir, 'kafka');
  const quiet = (line: string) => { if (process.env.TEST_VERBOSE) process.stderr.write(`[own-stack] ${line}\n`); };
  const startTemporal = () => startTemporalDevServer({ dbFile: temporalDbFile, port: temporalPort, uiPort, headless: true, log: quiet });
  const startKafka = () => startKafkaBroker({ dataDir: kafkaDataDir, port: kafkaPort, controllerPort, log: quiet });
  let temporalServer: TemporalDevServer | undefined;
  let kafka: KafkaBroker | undefined;
  try {
    [temporalServer, kafka] = await Promise.all([startTemporal(), startKafka()]);
    assert.ok(!temporalServer.reused && !kafka.reused, 'the own stack must not reuse another run\'s services');
    const admin = quietKafka(kafka.brokers).admin();
    await admin.connect();
    await admin.createTopics({ topics, waitForLeaders: true });
    await admin.disconnect();
  } catch (err) {
    await temporalServer?.stop();
    await kafka?.stop();
    throw err;
  }
  return {
    temporalAddress: temporalServer.address,
    kafkaBrokers: kafka.brokers,
    temporalDbFile,
    kafkaDataDir,
    async restartTemporal() {
      await temporalServer?.stop();
      temporalServer = undefined;
      temporalServer = await startTemporal();
    },
    async restartKafka() {
      await kafka?.stop();
      kafka = undefined;
      kafka = await startKafka();
    },
    async stop() {
      await Promise.all([temporalServer?.stop(), kafka?.stop()]);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Config and sandbox

export interface TestProject {
  id: string;
  webhookUrl: string;
  [key: string]: unknown;
}

/** A sandbox portal (rate limit off) with the harness's users, and its first webhook. */
export function createTestPortal(sandbox: Sandbox, projectId: string): string {
  sandbox.admin.createPortal({
    id: projectId, users: portalUsers, dealCategories: [{ id: 3, name: 'Нова' }],
    rateLimit: { enabled: false, perSecond: 2, burst: 50 },
  });
  return sandbox.admin.createWebhook(projectId, 1);
}

/** A project of the config contract (docs/contracts.md §2) on the sandbox. */
export function projectConfig(id: string, webhookUrl: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id, timeZone: 'Europe/Kyiv', defaultCountry: 'UA', seniorManager: 1, employees,
    bitrix24: { webhookUrl, rateLimit: { perSecond: 20, burst: 100 } },
    resendOnReactivation: true,
    ...overrides,
  };
}

export async function writeConfig(file: string, projects: Array<Record<string, unknown>>): Promise<void> {
  await writeFile(file, JSON.stringify({ projects }, null, 2), { mode: 0o600 });
}

/**
 * Counts the sandbox's REST requests per webhook (by the webhook URL the test holds, never
 * printed): the request log names the portal only, so the webhook lookup is observed instead.
 */
export function countRequestsByWebhook(sandbox: Sandbox): { count(webhookUrl: string): number } {
  const core = sandbox.admin as unknown as { findWebhook(userId: string, secret: string): unknown };
  const original = core.findWebhook.bind(core);
  const counts = new Map<string, number>();
  core.findWebhook = (userId: string, secret: string) => {
    const key = `${userId}/${secret}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    return original(userId, secret);
  };
  return {
    count(webhookUrl: string) {
      const match = /\/rest\/(\d+)\/([^/?#]+)/.exec(webhookUrl);
      return match ? counts.get(`${match[1]}/${match[2]}`) ?? 0 : 0;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Kafka

export function quietKafka(brokers: string[]): Kafka {
  return new Kafka({ clientId: `test-${randomUUID().slice(0, 8)}`, brokers, logLevel: logLevel.NOTHING, retry: { retries: 10, initialRetryTime: 300 } });
}

/** A test's own call-events topic (3 partitions) and its dead-letter topic. */
export async function createCallTopics(brokers: string[], topic: string): Promise<void> {
  const admin = quietKafka(brokers).admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }, { topic: `${topic}.dlq`, numPartitions: 1 }], waitForLeaders: false });
  } finally {
    await admin.disconnect();
  }
  // As createTestTopic: every node of a cluster must know the topic before it is used.
  await waitForFullIsr(brokers, [topic, `${topic}.dlq`]);
}

export async function publishEvents(producer: Producer, topic: string, events: CallEvent[], timestamp?: Date): Promise<void> {
  await producer.send({
    topic,
    messages: events.map((event) => ({
      key: callEventKey(event), value: JSON.stringify(event),
      ...(timestamp ? { timestamp: String(timestamp.getTime()) } : {}),
    })),
  });
}

/** Every message of every topic on the broker (internal `__` topics too), keys, values and headers as text. */
export async function readAllMessages(brokers: string[], timeoutMs = 60_000): Promise<{ topics: string[]; messages: number; text: string }> {
  const kafka = quietKafka(brokers);
  const admin = kafka.admin();
  await admin.connect();
  const topics = (await admin.listTopics()).sort();
  const ends = new Map<string, number>();
  for (const topic of topics) {
    for (const p of await admin.fetchTopicOffsets(topic)) {
      if (Number(p.high) > Number(p.low)) ends.set(`${topic}/${p.partition}`, Number(p.high));
    }
  }
  await admin.disconnect();
  const chunks: string[] = [];
  let messages = 0;
  if (ends.size === 0) return { topics, messages, text: '' };
  const consumer = kafka.consumer({ groupId: `leak-scan-${randomUUID()}` });
  await consumer.connect();
  await consumer.subscribe({ topics: [...new Set([...ends.keys()].map((k) => k.slice(0, k.lastIndexOf('/'))))], fromBeginning: true });
  const remaining = new Set(ends.keys());
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => { finish = resolve; });
  await consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      messages += 1;
      chunks.push(message.key?.toString('utf8') ?? '', message.value?.toString('utf8') ?? '');
      for (const [name, value] of Object.entries(message.headers ?? {})) chunks.push(name, String(value ?? ''));
      const key = `${topic}/${partition}`;
      if (Number(message.offset) + 1 >= (ends.get(key) ?? 0)) remaining.delete(key);
      if (remaining.size === 0) finish();
    },
  });
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([done, new Promise<void>((resolve) => { timer = setTimeout(resolve, timeoutMs); })]);
  clearTimeout(timer);
  await consumer.disconnect();
  assert.equal(remaining.size, 0, `read every message of the broker; not reached: ${[...remaining].join(', ')}`);
  return { topics, messages, text: chunks.join('\n') };
}

// ---------------------------------------------------------------------------------------------
// Temporal

export async function connectTemporal(address: string): Promise<{ client: Client; close(): Promise<void> }> {
  const connection = await Connection.connect({ address });
  return { client: new Client({ connection, namespace: 'default' }), close: () => connection.close() };
}

/** Identities of the pollers of the bridge's task queue (activity and workflow kinds). */
export async function pollerIdentities(client: Client): Promise<string[]> {
  const identities: string[] = [];
  for (const taskQueueType of [temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY, temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW]) {
    const reply = await client.workflowService.describeTaskQueue({
      namespace: 'default', taskQueue: { name: TASK_QUEUE, kind: temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL }, taskQueueType,
    });
    for (const poller of reply.pollers ?? []) if (poller.identity) identities.push(poller.identity);
  }
  return identities;
}

/** A worker identity is Temporal's default `{pid}@{host}` (or anything naming the pid as a number of its own). */
export function identityOfPid(identity: string | null | undefined, pid: number): boolean {
  return new RegExp(`(^|\\D)${pid}(\\D|$)`).test(identity ?? '');
}

/** Resolves once a worker process polls the bridge's task queue (an observable effect, not a log text). */
export async function waitForWorkerPolling(client: Client, worker: ProcessHandle, timeoutMs = 120_000): Promise<number> {
  return waitUntil(`${worker.name} (pid ${worker.pid}) polling ${TASK_QUEUE}`, async () => {
    if (worker.exited()) throw new Error(`${worker.name} exited before it polled; its output:\n${tail(worker.output())}`);
    const identities = await pollerIdentities(client).catch(() => []);
    return identities.some((identity) => identityOfPid(identity, worker.pid)) ? Date.now() : undefined;
  }, timeoutMs);
}

/** The last lines of a process's output, for a failure message. */
export function tail(text: string, lines = 30): string {
  return text.split('\n').slice(-lines).join('\n');
}

export async function integrationState(client: Client, projectId: string): Promise<IntegrationState | undefined> {
  try {
    return await client.workflow.getHandle(integrationWorkflowId(projectId)).query<IntegrationState>('integrationState');
  } catch (err) {
    const name = (err as Error).name;
    if (name === 'WorkflowNotFoundError' || name === 'QueryNotRegisteredError' || /not found|unavailable/i.test((err as Error).message)) return undefined;
    throw err;
  }
}

export async function countWorkflows(client: Client, query: string): Promise<number> {
  let n = 0;
  for await (const _ of client.workflow.list({ query })) n += 1;
  return n;
}

export async function parkedCount(client: Client, projectId: string): Promise<number> {
  return countWorkflows(client, `ProjectId='${projectId}' AND CallPhase='parked' AND ExecutionStatus='Running'`);
}

/** The call's result once its workflow completed, or undefined while it runs / does not exist yet. */
export async function completedCall(client: Client, projectId: string, callId: string): Promise<{ result: CallResult; closedAt: number } | undefined> {
  const handle = client.workflow.getHandle(callWorkflowId(projectId, callId));
  try {
    const description = await handle.describe();
    if (description.status.name !== 'COMPLETED') return undefined;
    return { result: (await handle.result()) as CallResult, closedAt: description.closeTime?.getTime() ?? Date.now() };
  } catch (err) {
    if ((err as Error).name === 'WorkflowNotFoundError') return undefined;
    throw err;
  }
}

/** Waits for each call to complete (bounded); returns their results and close times. */
export async function waitForCalls(client: Client, projectId: string, callIds: string[], timeoutMs: number): Promise<Map<string, { result: CallResult; closedAt: number }>> {
  const results = new Map<string, { result: CallResult; closedAt: number }>();
  await waitUntil(`${callIds.length} calls of ${projectId} completed`, async () => {
    for (const callId of callIds) {
      if (results.has(callId)) continue;
      const done = await completedCall(client, projectId, callId).catch(() => undefined);
      if (done) results.set(callId, done);
    }
    return results.size === callIds.length ? true : undefined;
  }, timeoutMs, () => `not completed: ${callIds.filter((id) => !results.has(id)).join(', ')}`);
  return results;
}

/** Calls whose workflow has a Bitrix24 activity started (in flight) on the worker of `pid`. */
export async function callsInFlightOn(client: Client, projectId: string, callIds: string[], pid: number): Promise<string[]> {
  const found: string[] = [];
  await Promise.all(callIds.map(async (callId) => {
    try {
      const { raw } = await client.workflow.getHandle(callWorkflowId(projectId, callId)).describe();
      const started = (raw.pendingActivities ?? []).some((activity) =>
        activity.state === temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED && identityOfPid(activity.lastWorkerIdentity, pid));
      if (started) found.push(callId);
    } catch {
      // not started yet or gone: not in flight
    }
  }));
  return found;
}

/** Worker identities that ran activity or workflow tasks of a workflow (from its history). */
export async function historyIdentities(client: Client, workflowId: string): Promise<{ activity: string[]; workflowTask: string[] }> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const activity: string[] = [];
  const workflowTask: string[] = [];
  for (const event of history.events ?? []) {
    const a = event.activityTaskStartedEventAttributes?.identity;
    if (a) activity.push(a);
    const w = event.workflowTaskStartedEventAttributes?.identity;
    if (w) workflowTask.push(w);
  }
  return { activity, workflowTask };
}

/**
 * A workflow history as text, every payload's bytes decoded as UTF-8 (a JSON payload reads as
 * its JSON): what an operator sees in the UI or a `temporal workflow show` prints.
 */
export async function decodedHistoryText(client: Client, workflowId: string, runId?: string): Promise<string> {
  const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
  return JSON.stringify(history, function replacer(this: Record<string, unknown>, key: string, value: unknown) {
    const raw = this[key];
    if (raw instanceof Uint8Array) return Buffer.from(raw).toString('utf8');
    return value;
  });
}

/** Ids and run ids of every workflow the server knows that matches `query`. */
export async function listWorkflows(client: Client, query?: string): Promise<Array<{ workflowId: string; runId: string; type: string }>> {
  const found: Array<{ workflowId: string; runId: string; type: string }> = [];
  for await (const info of client.workflow.list(query ? { query } : {})) found.push({ workflowId: info.workflowId, runId: info.runId, type: info.type });
  return found;
}

// ---------------------------------------------------------------------------------------------
// Waiting and CRM expectations

/** Polls until `probe` returns a value; fails naming what it waited for (and `detail()` when given). */
export async function waitUntil<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number, detail?: () => string, intervalMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${detail ? `: ${detail()}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

type Rec = Record<string, unknown>;

function lastDigits(value: unknown): string {
  return String(value ?? '').replace(/\D/g, '').slice(-9);
}

/**
 * The expectation for an incoming call answered by an employee, from a number the portal never
 * saw, in the default scenario (entities lead, createOn answer; S1.1, S1.2, S1.4), computed from
 * the call's inputs alone: exactly one lead with ORIGIN_ID `{callId}:lead`, owned by the answerer,
 * with the caller's phone; exactly one task of the call, the completed call record on the answerer
 * bound to that lead. Returns a description of what differs, or undefined when it holds.
 */
export function newClientAnsweredMismatch(sandbox: Sandbox, projectId: string, call: { callId: string; clientNumber: string; answererUserId: number }): string | undefined {
  const state = sandbox.admin.state(projectId);
  const leads = state.leads.filter((lead: Rec) => String(lead.ORIGIN_ID ?? '').startsWith(`${call.callId}:`));
  const tasks = state.tasks.filter((task: Rec) => String(task.XML_ID ?? '').includes(`:${call.callId}:`));
  const problems: string[] = [];
  if (leads.length !== 1) problems.push(`${leads.length} leads`);
  const lead = leads[0];
  if (lead) {
    if (String(lead.ORIGIN_ID) !== `${call.callId}:lead`) problems.push(`lead ORIGIN_ID ${String(lead.ORIGIN_ID)}`);
    if (Number(lead.ASSIGNED_BY_ID) !== call.answererUserId) problems.push(`lead owner ${String(lead.ASSIGNED_BY_ID)}`);
    const phones = Array.isArray(lead.PHONE) ? lead.PHONE.map((p) => String((p as Rec).VALUE ?? '')) : [];
    if (!phones.some((p) => lastDigits(p) === lastDigits(call.clientNumber))) problems.push('lead phone differs');
  }
  if (tasks.length !== 1) problems.push(`${tasks.length} tasks (${tasks.map((t: Rec) => String(t.XML_ID).split(':').pop()).join(',')})`);
  const task = tasks[0];
  if (task) {
    if (!String(task.XML_ID).endsWith(`:${call.callId}:call-record`)) problems.push(`task ${String(task.XML_ID).split(':').pop()}`);
    if (String(task.STATUS) !== '5') problems.push(`task status ${String(task.STATUS)}`);
    if (Number(task.RESPONSIBLE_ID) !== call.answererUserId) problems.push(`task on ${String(task.RESPONSIBLE_ID)}`);
    const bindings = Array.isArray(task.UF_CRM_TASK) ? task.UF_CRM_TASK.map(String) : [];
    if (lead && !bindings.includes(`L_${String(lead.ID)}`)) problems.push(`task bound to ${bindings.join(',')}`);
  }
  return problems.length ? `${call.callId}: ${problems.join('; ')}` : undefined;
}

/** Nothing at all was written for a call: no lead and no task carries its markers. */
export function writtenForCall(sandbox: Sandbox, projectId: string, callId: string): { leads: number; tasks: number } {
  const state = sandbox.admin.state(projectId);
  return {
    leads: state.leads.filter((lead: Rec) => String(lead.ORIGIN_ID ?? '').startsWith(`${callId}:`)).length,
    tasks: state.tasks.filter((task: Rec) => String(task.XML_ID ?? '').includes(`:${callId}:`)).length,
  };
}

/** `ps -eo args`: every process's command line on this machine. */
export function processList(): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('ps', ['-eo', 'args'], { stdio: ['ignore', 'pipe', 'ignore'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.once('error', reject);
    child.once('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

/** Process groups started here (bridges, CLIs) with any member still alive: nothing may be left behind. */
export function leftoverProcessGroups(): number[] {
  return started.filter((pid) => {
    try {
      process.kill(-pid, 0);
      return true;
    } catch {
      return false;
    }
  });
}
