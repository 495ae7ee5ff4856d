import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { createBitrixSessions } from '../../integration/bitrix-sessions';
import { createResponsibleResolver } from '../../http/routing/responsible-resolver';
import { buildHttpServer } from '../../http/http-app';
import type { CredentialsCache } from '../../integration/credentials-cache';
import type { Logger } from '../../platform/logger';
import type { BridgeConfig } from '../../schemas/project-config';

/**
 * The HTTP service as http/http-service.ts composes it (resolver over the Bitrix24 sessions
 * and the process's credentials), listening on a free port. The ingest route is not
 * exercised by P5, so its Kafka producer is a stand-in. `serverMs` collects Fastify's own
 * per-request time (received → answer sent): the answer time without the load generator.
 */
export interface RoutingServer {
  baseUrl: string;
  /** Server-side ms of every answered request since the last take(). */
  takeServerMs(): number[];
  deadlineMs: number;
  stop(): Promise<void>;
}

export async function startRoutingServer(options: {
  config: BridgeConfig; logger: Logger; deadlineMs: number;
}): Promise<RoutingServer> {
  const credentials = configCredentials(options.config);
  const responsible = createResponsibleResolver({
    config: options.config,
    sessions: createBitrixSessions({ credentials, logger: options.logger }),
    integrationStatus: async (projectId) => (await credentials.current(projectId)).status,
    deadlineMs: options.deadlineMs,
    logger: options.logger,
  });
  const app: FastifyInstance = buildHttpServer({
    config: options.config, producer: { send: async () => [] }, topic: 'unused-by-p5', responsible, logger: options.logger,
  });
  let serverMs: number[] = [];
  app.addHook('onResponse', async (_request, reply) => {
    serverMs.push(reply.elapsedTime);
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    deadlineMs: options.deadlineMs,
    takeServerMs() {
      const taken = serverMs;
      serverMs = [];
      return taken;
    },
    stop: () => app.close(),
  };
}

/**
 * The config's webhooks as version 0, active — what the process's credentials cache answers
 * for a project whose integration workflow has not started, and, from memory, between its
 * reads of a running one. P5 runs without Temporal, so the cache's reads are left out; they
 * happen at most once a minute per project, never per request.
 */
function configCredentials(config: BridgeConfig): CredentialsCache {
  return {
    async current(projectId) {
      const webhookUrl = config.projects.find((p) => p.id === projectId)?.bitrix24.webhookUrl;
      return { projectId, version: 0, status: 'active', webhookUrl };
    },
    reportBroken: async () => false,
  };
}
