/**
 * `npm run bench [-- --quick] [-- --only p1,p3]`: the performance targets P1–P7 of docs/requirements.md §8.
 * Starts one private Temporal + Kafka, runs each selected benchmark in turn (each with its
 * own sandbox, topic and projects), prints one block per target — figure beside its baseline
 * from the same run, verdict, the command to rerun it — and always stops what it started.
 */
import os from 'node:os';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { parseArgs, type TargetId } from './args';
import { benchScale, sizer, type BenchContext } from './context';
import { benchP1 } from './p1-latency';
import { benchP2 } from './p2-throughput';
import { benchP3 } from './p3-requests';
import { benchP4 } from './p4-backlog';
import { benchP5 } from './p5-routing';
import { benchP6 } from './p6-memory';
import { benchP7 } from './p7-cost';
import { benchP8, benchP8Backlog } from './p8-volume';
import { benchP8Outage } from './p8-outage';
import { formatBlock, type BenchResult } from './report';
import { startBenchStack } from './stack';

const benches: Record<TargetId, (ctx: BenchContext) => Promise<BenchResult>> = {
  p1: benchP1, p2: benchP2, p3: benchP3, p4: benchP4, p5: benchP5, p6: benchP6, p7: benchP7, p8: benchP8, 'p8-backlog': benchP8Backlog, 'p8-outage': benchP8Outage,
};

/** 1/5/15-minute load: figures from a busy box read differently, so every run states it. */
const loadAverage = (): string => os.loadavg().map((l) => l.toFixed(2)).join(' ');

const progress = (line: string): void => {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
};

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const scale = benchScale();
  // The Temporal SDK's own INFO lines (worker state changes) would drown the progress lines.
  Runtime.install({ logger: new DefaultLogger('WARN') });
  process.stdout.write(`bench: ${args.only.join(', ')}${args.quick ? ' (--quick)' : ''}; load average at start ${loadAverage()} on ${os.cpus().length} cores\n\n`);
  const needsStack = args.only.some((id) => id !== 'p5');
  const stack = needsStack ? await startBenchStack(progress) : undefined;
  let failed = 0;
  const stop = async (): Promise<void> => {
    await stack?.stop().catch((err) => progress(`stack stop failed: ${String(err)}`));
  };
  // Ctrl-C must not leave a Temporal server and a Kafka broker behind.
  const onSignal = (): void => {
    progress('interrupted: stopping the stack');
    void stop().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    for (const id of args.only) {
      const started = Date.now();
      try {
        const ctx: BenchContext = {
          get stack() {
            if (!stack) throw new Error('no Temporal/Kafka stack was started: only P5 runs without one');
            return stack;
          },
          quick: args.quick, size: sizer(args.quick, scale), progress,
        };
        const result = await benches[id](ctx);
        if (result.verdict === 'FAIL') failed += 1;
        process.stdout.write(`${formatBlock(result, { quick: args.quick, scale })}\n  (ran ${((Date.now() - started) / 1000).toFixed(0)} s)\n\n`);
      } catch (err) {
        failed += 1;
        process.stdout.write(`── ${id.toUpperCase()} could not be measured: ${(err as Error).stack ?? String(err)}\n\n`);
      }
    }
  } finally {
    await stop();
  }
  process.stdout.write(`load average at end ${loadAverage()}\n`);
  return failed > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    process.exit(2);
  },
);
