import { randomBytes } from 'node:crypto';
import type { RingostatSettings } from '../../../schemas/project-config';
import { startRingostatStandIn, type RingostatStandIn } from '.';

/** The demo project's Ringostat project id in the stand-in. */
export const DEMO_RINGOSTAT_PROJECT_ID = '100001';

/**
 * The demo's Ringostat (`npm start` without a config): a stand-in on RINGOSTAT_STANDIN_PORT
 * (default 8091) with one project, and the config block that opens it — a fresh key each start,
 * reconciliation every 5 minutes. `simulate --lose-webhooks 0.2` then shows B7 at work.
 */
export async function startDemoRingostat(port = Number(process.env.RINGOSTAT_STANDIN_PORT ?? 8091)): Promise<{ standIn: RingostatStandIn; settings: RingostatSettings }> {
  const standIn = await startRingostatStandIn({ port });
  const apiKey = randomBytes(16).toString('hex');
  standIn.admin.createProject({ projectId: DEMO_RINGOSTAT_PROJECT_ID, apiKey, timeZone: 'Europe/Kyiv' });
  return { standIn, settings: { apiKey, projectId: DEMO_RINGOSTAT_PROJECT_ID, baseUrl: standIn.baseUrl, reconcileEvery: '5m' } };
}
