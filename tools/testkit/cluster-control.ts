/**
 * The fault test's side of tools/infra/cluster/fault-control.ts: asks the runner, which started the
 * cluster stack, to kill and restart its processes. Only under STACK=cluster (STACK_CONTROL_URL).
 */
export interface ClusterState {
  kafka: Array<{ nodeId: number; address: string; running: boolean }>;
  temporal: Array<{ name: string; running: boolean; pid?: number }>;
}

export function clusterControlUrl(): string | undefined {
  return process.env.STACK_CONTROL_URL || undefined;
}

async function call(method: 'GET' | 'POST', route: string): Promise<ClusterState> {
  const base = clusterControlUrl();
  if (!base) throw new Error('STACK_CONTROL_URL is not set: run with STACK=cluster npx tsx tools/testkit/run-tests.ts <file>');
  const response = await fetch(`${base}${route}`, { method, signal: AbortSignal.timeout(180_000) });
  if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${await response.text()}`);
  return (await response.json()) as ClusterState;
}

export const clusterControl = {
  state: () => call('GET', '/state'),
  killKafkaNode: (nodeId: number) => call('POST', `/kafka/${nodeId}/kill`),
  startKafkaNode: (nodeId: number) => call('POST', `/kafka/${nodeId}/start`),
  /** SIGKILL, `downMs` with the service away, then started again; resolves once it listens again. */
  killTemporalService: (name: string, downMs = 0) => call('POST', `/temporal/${name}/kill?downMs=${downMs}`),
  restartTemporalService: (name: string) => call('POST', `/temporal/${name}/restart`),
  restartPostgres: () => call('POST', '/postgres/restart'),
};
