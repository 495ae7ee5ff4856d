import path from 'node:path';
import { runCommand } from '../child-process';
import { projectRoot } from '../../../platform/paths';
import type { TemporalServerDist } from './temporal-server-build';

/**
 * The script docker-compose.yml's temporal-schema service runs: one source of truth for the
 * schema steps (create, setup-schema 0.0, update-schema to the newest versioned dir, for the
 * default store and for visibility).
 */
export const SCHEMA_SCRIPT = path.join(projectRoot, 'docker', 'temporal-setup-schema.sh');

/**
 * Temporal's two databases on PostgreSQL, set up by SCHEMA_SCRIPT with the temporal-sql-tool and
 * schema files of the server version the stack runs. Safe on every start: update-schema applies
 * only what a database lacks.
 */
export async function applyTemporalSchema(
  dist: TemporalServerDist,
  postgres: { host: string; port: number; user: string; password: string },
): Promise<void> {
  await runCommand('sh', [SCHEMA_SCRIPT], {
    env: {
      ...process.env,
      PATH: `${path.dirname(dist.sqlToolBin)}${path.delimiter}${process.env.PATH ?? ''}`,
      POSTGRES_SEEDS: postgres.host,
      POSTGRES_USER: postgres.user,
      SQL_PASSWORD: postgres.password,
      DB_PORT: String(postgres.port),
      SCHEMA_DIR: dist.postgresSchemaDir,
    },
  });
}
