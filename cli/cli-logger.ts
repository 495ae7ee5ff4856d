import type { DestinationStream } from 'pino';
import { createLogger, type Logger } from '../platform/logger';

const LABELS: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warning', 50: 'error', 60: 'fatal' };
const HIDDEN = new Set(['level', 'time', 'pid', 'hostname', 'name', 'msg']);

/**
 * The CLI's logger: the bridge's pino logger (its redaction included), written to stderr as one
 * plain line per entry (`warning: … key=value`), since an operator reads it on a terminal and
 * stdout is the command's output. Libraries log through it at debug level only (kafkajs:
 * platform/kafka.ts `quiet`), so their lines appear with --verbose or LOG_LEVEL=debug and the
 * CLI's own error message is what an operator otherwise sees.
 */
export function createCliLogger(level: string, write: (text: string) => void = (text) => process.stderr.write(text)): Logger {
  return createLogger({ level, name: 'cli', destination: humanLines(write) });
}

function humanLines(write: (text: string) => void): DestinationStream {
  return {
    write(line: string) {
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line) as Record<string, unknown>;
      } catch {
        write(line);
        return;
      }
      const fields = Object.entries(entry)
        .filter(([key]) => !HIDDEN.has(key))
        .map(([key, value]) => ` ${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
        .join('');
      write(`${LABELS[entry.level as number] ?? 'log'}: ${String(entry.msg ?? '')}${fields}\n`);
    },
  };
}
