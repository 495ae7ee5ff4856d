import path from 'node:path';
import { runCommand } from '../child-process';
import type { TemporalServerDist } from './temporal-server-build';
import { TEMPORAL_DATABASES } from './temporal-config';

/**
 * Temporal's two databases on PostgreSQL, with the temporal-sql-tool of the same server version:
 * the steps docker/temporal-setup-schema.sh runs in docker-compose.yml (create, setup-schema 0.0,
 * update-schema to the newest versioned dir). Safe on every start: update-schema applies only
 * what a database lacks.
 */
export async function applyTemporalSchema(
  dist: TemporalServerDist,
  postgres: { host: string; port: number; user: string; password: string },
): Promise<void> {
  const sql = (database: string, ...args: string[]): Promise<string> =>
    runCommand(dist.sqlToolBin, [
      '--plugin', 'postgres12', '--ep', postgres.host, '-p', String(postgres.port),
      '-u', postgres.user, '--pw', postgres.password, '--db', database, ...args,
    ]);
  for (const [database, dir] of [[TEMPORAL_DATABASES.default, 'temporal'], [TEMPORAL_DATABASES.visibility, 'visibility']] as const) {
    // "create" fails when the database exists: the normal case on a restart.
    await sql(database, 'create').catch(() => undefined);
    await sql(database, 'setup-schema', '-v', '0.0');
    await sql(database, 'update-schema', '-d', path.join(dist.postgresSchemaDir, dir, 'versioned'));
  }
}
