import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import type { Logger } from '../lib/logger';

/**
 * Routes the Temporal SDK's own logs (worker, core, workflow `log`) into the bridge's pino
 * logger, so there is one structured stream. Runtime.install may run once per process,
 * before any worker or native connection exists.
 */
let installed = false;

export function installTemporalLogging(logger: Logger, level: LogLevel = 'WARN'): void {
  if (installed) return;
  installed = true;
  const log = logger.child({ component: 'temporal' });
  Runtime.install({
    // workers/main.ts stops in order (dispatcher first, then the worker): no SDK signal handlers.
    shutdownSignals: [],
    logger: new DefaultLogger(level, ({ level: entryLevel, message, meta }) => {
      const fields = meta ?? {};
      if (entryLevel === 'ERROR') log.error(fields, message);
      else if (entryLevel === 'WARN') log.warn(fields, message);
      else if (entryLevel === 'INFO') log.info(fields, message);
      else log.debug(fields, message);
    }),
  });
}
