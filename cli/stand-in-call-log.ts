import { isLoopbackHost } from '../platform/loopback';
import type { SimulatedCall } from './call-simulator';
import { ringostatTimeZone, type ProjectConfig } from '../schemas/project-config';
import { standInAdminClient } from '../tools/sandbox/ringostat/admin-client';
import { callLogRow } from '../tools/sandbox/ringostat/call-rows';

/**
 * `simulate` puts every simulated call into the stand-in's call log, as Ringostat logs every
 * call whether or not its webhook arrived. Only when the project's Ringostat is the local
 * stand-in (a loopback baseUrl); returns how many calls were registered, or undefined.
 */
export async function registerSimulatedCalls(project: ProjectConfig, calls: readonly SimulatedCall[]): Promise<number | undefined> {
  const settings = project.ringostat;
  if (!settings || !isLoopbackHost(new URL(settings.baseUrl).hostname)) return undefined;
  await standInAdminClient.registerCalls(settings.baseUrl, settings.projectId, calls.map((call) => callLogRow(call.events, ringostatTimeZone(project))));
  return calls.length;
}
