import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePorts } from '../../platform/ports';
import { startStack, type Stack } from '../infra/stack';

export interface BenchStack {
  temporalAddress: string;
  kafkaBrokers: string[];
  /** The dev server's metrics and process, when this stack started it (not an external one). */
  temporalMetricsUrl?: string;
  temporalPid?: number;
  stop(): Promise<void>;
}

/**
 * A private Temporal + Kafka on free ports with throw-away state, so a benchmark neither
 * disturbs a colleague's `npm start` / `npm test` nor inherits their workflows and topics.
 * TEMPORAL_ADDRESS / KAFKA_BROKERS, when set, point at existing services instead (startStack
 * reuses them); after start both are set so that code reading them (stack-env) agrees.
 */
export async function startBenchStack(log: (line: string) => void): Promise<BenchStack> {
  const dataDir = await mkdtemp(join(tmpdir(), 'bridge-bench-'));
  const [temporalPort, uiPort, kafkaPort, controllerPort, temporalMetricsPort] = await freePorts(5);
  let stack: Stack;
  try {
    stack = await startStack({
      dataDir, temporalPort, uiPort, kafkaPort, controllerPort, temporalMetricsPort, headless: true,
      log: (line) => log(`[stack] ${line}`),
    });
  } catch (err) {
    await rm(dataDir, { recursive: true, force: true });
    throw err;
  }
  process.env.TEMPORAL_ADDRESS = stack.temporalAddress;
  process.env.KAFKA_BROKERS = stack.kafkaBrokers.join(',');
  return {
    temporalAddress: stack.temporalAddress,
    kafkaBrokers: stack.kafkaBrokers,
    temporalMetricsUrl: stack.temporalMetricsUrl,
    temporalPid: stack.temporalPid,
    async stop() {
      await stack.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
