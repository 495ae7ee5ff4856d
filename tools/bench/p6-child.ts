/**
 * The bridge — or the minimal floor — in a process of its own for P6, so that
 * process.memoryUsage().rss is the worker's (plus its dispatcher, as `npm start` runs them)
 * and not the benchmark's, whose sandbox, producer and bookkeeping live in the parent. Driven
 * over IPC: the bridge options arrive as a message (they hold the webhook secret: not on argv
 * or in the environment). One process runs one of the two, never both.
 */
import pino from 'pino';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { createLogger } from '../../platform/logger';
import type { BridgeConfig } from '../../schemas/project-config';
import { createSecretBox, parseSecretKeys } from '../../integration/secret-box';
import { startBridge } from '../../workers/bridge';
import { startMinimalFloor } from './minimal-floor';
import { toolWorkerTuning } from '../testkit/worker-tuning';

export type ChildRequest =
  | { type: 'start'; options: { config: BridgeConfig; temporalAddress: string; kafkaBrokers: string[]; topic: string; dlqTopic: string; secretKey: string; groupId: string } }
  | { type: 'start-floor'; options: { temporalAddress: string; kafkaBrokers: string[]; topic: string } }
  | { type: 'memory' }
  | { type: 'stop' };

export type ChildReply =
  | { type: 'ready' }
  | { type: 'floor-ready'; projectId: string }
  | { type: 'memory'; rss: number; heapUsed: number; external: number }
  | { type: 'error'; message: string };

const send = (reply: ChildReply): void => {
  process.send?.(reply);
};

let running: { stop(): Promise<void> } | undefined;

// ERROR, not WARN: every parking call's activity failure is a WARN line from the SDK.
Runtime.install({ logger: new DefaultLogger('ERROR') });
const logger = () => createLogger({ level: process.env.BENCH_LOG_LEVEL ?? 'error', destination: pino.destination(2) });

process.on('message', (request: ChildRequest) => {
  void (async () => {
    try {
      if (request.type === 'start') {
        const { secretKey, ...options } = request.options;
        running = await startBridge({ ...options, workerTuning: toolWorkerTuning(), secrets: createSecretBox(parseSecretKeys(secretKey)), logger: logger() });
        send({ type: 'ready' });
      } else if (request.type === 'start-floor') {
        const floor = await startMinimalFloor({ ...request.options, name: 'p6', logger: logger() });
        running = floor;
        send({ type: 'floor-ready', projectId: floor.projectId });
      } else if (request.type === 'memory') {
        const usage = process.memoryUsage();
        send({ type: 'memory', rss: usage.rss, heapUsed: usage.heapUsed, external: usage.external });
      } else {
        await running?.stop();
        process.exit(0);
      }
    } catch (err) {
      send({ type: 'error', message: (err as Error).stack ?? String(err) });
    }
  })();
});

// The parent gone (crashed, killed) means nobody will ask us to stop.
process.on('disconnect', () => process.exit(0));
