import { isLoopbackHost } from '../platform/loopback';
import type { SimulatedCall } from './call-simulator';
import { ringostatTimeZone, type ProjectConfig } from '../schemas/project-config';
import { callLogRow, type WrittenCallLogRow } from '../ringostat/call-log-row';

/**
 * `simulate` puts every simulated call into the stand-in's call log, as Ringostat logs every
 * call whether or not its webhook arrived. Only when the project's Ringostat is the local
 * stand-in (a loopback baseUrl); returns how many calls were registered, or undefined.
 */
export async function registerSimulatedCalls(project: ProjectConfig, calls: readonly SimulatedCall[]): Promise<number | undefined> {
  const settings = project.ringostat;
  if (!settings || !isLoopbackHost(new URL(settings.baseUrl).hostname)) return undefined;
  await postToStandIn(settings.baseUrl, settings.projectId, calls.map((call) => callLogRow(call.events, ringostatTimeZone(project))));
  return calls.length;
}

/**
 * The stand-in's admin route for its call log (tools/sandbox/ringostat/admin-http.ts), spoken over
 * HTTP: the CLI ships in the image, the stand-in does not, so only the route's shape is shared.
 */
async function postToStandIn(baseUrl: string, projectId: string, calls: WrittenCallLogRow[]): Promise<void> {
  const path = `/_ringostat/projects/${encodeURIComponent(projectId)}/calls`;
  const response = await fetch(`${baseUrl.replace(/\/+$/, '')}${path}`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ calls }), signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok) throw new Error(`Ringostat stand-in POST ${path}: HTTP ${response.status} ${await response.text()}`);
}
