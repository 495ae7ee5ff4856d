/**
 * Provisioning and startup report progress as plain lines. A function type (not pino) keeps
 * infra/ usable from the test runner, whose stdout belongs to the node:test reporter.
 */
export type InfraLog = (line: string) => void;

/** Default sink: stderr, so stdout stays clean for whatever the caller prints (e.g. TAP). */
export const stderrLog: InfraLog = (line) => {
  process.stderr.write(`[infra] ${line}\n`);
};

/** Silences progress, e.g. when a caller only cares about errors. */
export const silentLog: InfraLog = () => undefined;
