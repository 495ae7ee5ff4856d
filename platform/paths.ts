import path from 'node:path';

/**
 * Where the project keeps what it provisions for itself. Functions, not constants, so that a
 * caller (the test runner, a test) can point INFRA_DIR / DATA_DIR elsewhere before asking.
 */

/** The repository root: this file lives in <root>/infra. */
export const projectRoot = path.resolve(__dirname, '..');

/** Download cache (Temporal CLI venv, Kafka jars). Safe to delete; rebuilt on the next start. */
export function infraDir(): string {
  return path.resolve(projectRoot, process.env.INFRA_DIR ?? '.infra');
}

/** Durable state (Temporal SQLite file, Kafka log dirs). Deleting it forgets parked workflows. */
export function dataDir(): string {
  return path.resolve(projectRoot, process.env.DATA_DIR ?? '.data');
}
