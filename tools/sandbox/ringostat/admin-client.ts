import type { CallLogRow, StandInProject } from './types';

/**
 * The stand-in's admin API from another process (`simulate`, the demo's shell): only over
 * loopback, since a real Ringostat has no such API.
 */
async function call(baseUrl: string, method: 'POST' | 'PUT', path: string, body: unknown): Promise<void> {
  const response = await fetch(`${baseUrl.replace(/\/+$/, '')}/_ringostat${path}`, {
    method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok) throw new Error(`Ringostat stand-in ${method} ${path}: HTTP ${response.status} ${await response.text()}`);
}

export const standInAdminClient = {
  createProject: (baseUrl: string, project: StandInProject) => call(baseUrl, 'POST', '/projects', project),
  registerCalls: (baseUrl: string, projectId: string, calls: CallLogRow[]) =>
    call(baseUrl, 'POST', `/projects/${encodeURIComponent(projectId)}/calls`, { calls }),
  goDown: (baseUrl: string, ms: number) => call(baseUrl, 'PUT', '/outage', { ms }),
};
