import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ClusterStack } from './cluster-stack';
import { TEMPORAL_SERVICES, type TemporalService } from './temporal-config';

/**
 * A loopback HTTP endpoint through which a test (another process: node --test) kills and restarts
 * the cluster stack's processes, which only the process that started them can respawn. Started
 * by tools/testkit/run-tests.ts for STACK=cluster; its URL is STACK_CONTROL_URL.
 *
 *   GET  /state                          → which node/service runs, with PIDs
 *   POST /kafka/<nodeId>/kill            → SIGKILL one Kafka node
 *   POST /kafka/<nodeId>/start           → start it again (resolves once it answers)
 *   POST /temporal/<service>/kill[?downMs=N] → SIGKILL a Temporal service, wait N ms, start it again
 *   POST /temporal/<service>/restart     → SIGTERM, then start again
 *   POST /postgres/restart               → fast shutdown, then start again
 */
export interface FaultControl {
  url: string;
  stop(): Promise<void>;
}

function state(stack: ClusterStack): unknown {
  const temporalRunning = stack.temporal.running();
  return {
    kafka: stack.kafka.nodes.map((node) => ({ nodeId: node.nodeId, address: node.address, running: node.running() })),
    temporal: TEMPORAL_SERVICES.map((name) => ({ name, running: temporalRunning[name], pid: stack.temporal.services[name].pid() })),
  };
}

async function act(stack: ClusterStack, method: string, parts: string[], query: URLSearchParams): Promise<unknown> {
  const [engine, target, action] = parts;
  if (method === 'GET' && engine === 'state') return state(stack);
  if (method !== 'POST') throw new Error(`${method} not supported`);
  if (engine === 'kafka') {
    const node = stack.kafka.nodes.find((n) => String(n.nodeId) === target);
    if (!node) throw new Error(`no Kafka node ${target}`);
    if (action === 'kill') await node.kill();
    else if (action === 'start') await node.start();
    else throw new Error(`unknown Kafka action ${action}`);
    return state(stack);
  }
  if (engine === 'temporal') {
    if (!TEMPORAL_SERVICES.includes(target as TemporalService)) throw new Error(`no Temporal service ${target}`);
    if (action !== 'kill' && action !== 'restart') throw new Error(`unknown Temporal action ${action}`);
    const downMs = Number(query.get('downMs') ?? 0) || 0;
    await stack.temporal.restartService(target as TemporalService, { graceful: action === 'restart', downMs });
    return state(stack);
  }
  if (engine === 'postgres' && target === 'restart') {
    await stack.postgres.restart();
    return state(stack);
  }
  throw new Error(`unknown request /${parts.join('/')}`);
}

export async function startFaultControl(stack: ClusterStack): Promise<FaultControl> {
  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://control');
    const parts = url.pathname.split('/').filter(Boolean);
    act(stack, request.method ?? 'GET', parts, url.searchParams).then(
      (body) => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify(body));
      },
      (error: unknown) => {
        response.writeHead(500, { 'content-type': 'text/plain' });
        response.end(error instanceof Error ? error.message : String(error));
      },
    );
  });
  // Restarts take tens of seconds: no socket timeout on our side.
  server.requestTimeout = 0;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
