import path from 'node:path';
import { projectRoot } from '../../platform/paths';

/**
 * Where the dev stack keeps what it provisions. Functions, not constants, so that a caller (the
 * test runner, a test) can point INFRA_DIR / DATA_DIR elsewhere before asking.
 */

/** Download cache (Temporal CLI venv, Kafka jars). Safe to delete; rebuilt on the next start. */
export function infraDir(): string {
  return path.resolve(projectRoot, process.env.INFRA_DIR ?? '.infra');
}

/** The dev stack's durable state (Temporal SQLite file, Kafka log dirs). Deleting it forgets parked workflows. */
export function dataDir(): string {
  return path.resolve(projectRoot, process.env.DATA_DIR ?? '.data');
}
