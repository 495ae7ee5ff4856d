import type { Logger } from '../platform/logger';

/**
 * A part that dies for good (the Temporal worker's run() rejecting, the Kafka consumer
 * crashing without a restart) ends the process with code 1, so that a supervisor (systemd,
 * Docker's restart policy, Kubernetes) starts a fresh one instead of leaving a process that
 * looks alive and does nothing. A promise that resolves is a deliberate stop: nothing happens.
 */
export function exitOnFatal(
  logger: Logger, name: string, running: Promise<unknown>, exit: (code: number) => void = (code) => process.exit(code),
): void {
  running.then(
    () => undefined,
    (err: unknown) => {
      logger.fatal({ err, part: name }, `${name} stopped for good: exiting so that a supervisor restarts the process`);
      // pino writes synchronously to stdout/stderr by default; the line is out before exit.
      exit(1);
    },
  );
}
