/**
 * Support for the overlapping-deploy tests (issue 16): a steady stream of calls through Kafka, and
 * each call's history read back as who ran which workflow task (worker identity, build id), which
 * tasks failed, and whether a given patch marker is in it.
 */
import { writeFile } from 'node:fs/promises';
import type { Client } from '@temporalio/client';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { temporal } from '@temporalio/proto';
import type { Producer } from 'kafkajs';
import type { CallEvent } from '../../schemas/call-event';
import { callWorkflowId } from '../../workflows/contract';
import { publishEvents, tail, waitUntil, type ProcessHandle } from './bridge-process';
import { callEvents } from './call-events';

export interface CallTraffic {
  /** Every call published so far (its events; the last one, `call.ended`, only once it is due). */
  calls: Array<{ events: CallEvent[]; ringAt: number; ended: boolean }>;
  /** Stops new calls and ends every open one; resolves when all is published. */
  stop(): Promise<void>;
}

/**
 * Every `everyMs` (400) a call rings and is answered; it ends `endAfterMs` (3 s) later, so calls are
 * in flight at every moment. Each from a number of its own, answered by staff 101 (Olena, user 7).
 */
export function startCallTraffic(producer: Producer, topic: string, projectId: string, options: { everyMs?: number; endAfterMs?: number } = {}): CallTraffic {
  const calls: CallTraffic['calls'] = [];
  let running = true;
  const endDue = async (all: boolean) => {
    for (const call of calls) {
      if (call.ended || (!all && Date.now() - call.ringAt < (options.endAfterMs ?? 3_000))) continue;
      call.ended = true;
      await publishEvents(producer, topic, call.events.slice(-1));
    }
  };
  const generator = (async () => {
    for (let n = 0; running; n++) {
      const events = callEvents({ projectId, clientNumber: `+38050${1_000_000 + n}`, employee: { staffId: '101' } });
      calls.push({ events, ringAt: Date.now(), ended: false });
      await publishEvents(producer, topic, events.slice(0, -1));
      await endDue(false);
      await new Promise((resolve) => setTimeout(resolve, options.everyMs ?? 400));
    }
    await endDue(true);
  })();
  return {
    calls,
    async stop() {
      running = false;
      await generator;
    },
  };
}

export interface TaskRun { identity: string; buildId: string; startedAt: number }
export interface CallHistory { callId: string; tasks: TaskRun[]; failures: string[]; patched: boolean; history: temporal.api.history.v1.IHistory }

/** Who ran each workflow task of a call (identity, build id, start second), its failed tasks, and whether `patch`'s marker is in it. */
export async function callHistory(client: Client, projectId: string, callId: string, patch: string): Promise<CallHistory> {
  const history = await client.workflow.getHandle(callWorkflowId(projectId, callId)).fetchHistory();
  const tasks: TaskRun[] = [];
  const failures: string[] = [];
  let startedAt = 0;
  for (const event of history.events ?? []) {
    if (event.workflowTaskStartedEventAttributes) startedAt = Number(event.eventTime?.seconds ?? 0) * 1000;
    const done = event.workflowTaskCompletedEventAttributes;
    if (done) tasks.push({ identity: done.identity ?? '', buildId: done.deploymentVersion?.buildId ?? done.workerVersion?.buildId ?? '', startedAt });
    const failed = event.workflowTaskFailedEventAttributes;
    if (failed) failures.push(`${failed.identity}: ${failed.failure?.message ?? String(failed.cause)}`);
  }
  // The SDK records a patch as a `core_patch` marker whose JSON payload names it.
  const patched = (history.events ?? []).some((event) => {
    const marker = event.markerRecordedEventAttributes;
    if (marker?.markerName !== 'core_patch') return false;
    return Object.values(marker.details ?? {}).some((payloads) =>
      (payloads.payloads ?? []).some((payload) => Buffer.from(payload.data ?? []).toString('utf8').includes(patch)));
  });
  return { callId, tasks, failures, patched, history };
}

/** Resolves once a bridge process printed its ready banner; fails with its output if it exits first. */
export function waitReady(bridge: ProcessHandle, timeoutMs = 120_000): Promise<true> {
  return waitUntil(`${bridge.name} ready`, async () => {
    if (bridge.exited()) throw new Error(`${bridge.name} exited: ${tail(bridge.output())}`);
    return /bridge ready in/.test(bridge.output()) ? true : undefined;
  }, timeoutMs);
}

/** The workflow bundle of `workflowsPath` (a next-release fixture) written to `file`, for a process's WORKFLOW_BUNDLE_PATH. */
export async function bundleTo(workflowsPath: string, file: string): Promise<string> {
  const { code } = await bundleWorkflowCode({ workflowsPath, logger: quietBundler });
  await writeFile(file, code);
  return file;
}

const quietBundler = {
  trace: () => undefined, debug: () => undefined, info: () => undefined, log: () => undefined,
  warn: (message: string) => process.stderr.write(`[bundler] ${message}\n`),
  error: (message: string) => process.stderr.write(`[bundler] ${message}\n`),
};
