import os from 'node:os';
import type { Logger } from '../platform/logger';

/** What each start step of a process gets: whether a stop began, and where to say how to stop what it started. */
export interface ProcessScope {
  /** True once a stop began: a step registers what it started, then returns instead of starting more. */
  readonly stopping: boolean;
  /** How to stop a part this process started; parts stop last-started first, a failure is logged and the rest still stop. */
  onStop(part: string, stop: () => Promise<void>): void;
  /** Stops every part, then exits with `code` (a part that died for good asks for this). */
  stop(reason: string, code?: number): Promise<void>;
}

export interface LifecycleOptions {
  logger: Logger;
  /** A second Ctrl-C or SIGTERM: what to end at once besides this process (the dev stack's services, which lead groups of their own). */
  onSecondSignal?: () => void;
}

/**
 * Runs `start`, and stops on SIGINT or SIGTERM, on a failed start, or when a part asks: a step
 * still starting finishes first (so what it started is stopped too), then the parts stop in
 * reverse order and the process exits. A second signal ends everything at once.
 */
export async function runProcess(start: (scope: ProcessScope) => Promise<void>, options: LifecycleOptions): Promise<void> {
  const parts: Array<{ part: string; stop: () => Promise<void> }> = [];
  let stopping = false;
  let startup: Promise<void> | undefined;

  const stop = async (reason: string, code = 0): Promise<void> => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`\n${reason}: stopping…\n`);
    await startup?.catch(() => undefined);
    for (const { part, stop: stopPart } of parts.reverse()) {
      await stopPart().catch((err: unknown) => options.logger.error({ err }, `${part} stop failed`));
    }
    process.exit(code);
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (!stopping) return void stop(signal);
    process.stderr.write(`${signal} again: ending everything now\n`);
    options.onSecondSignal?.();
    process.exit(128 + os.constants.signals[signal]);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const scope: ProcessScope = {
    get stopping() {
      return stopping;
    },
    onStop: (part, stopPart) => void parts.push({ part, stop: stopPart }),
    stop,
  };
  try {
    startup = start(scope);
    await startup;
  } catch (err) {
    process.stderr.write(`bridge failed to start: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    await stop('start failed', 1);
  }
}
