/**
 * The Ringostat stand-in (B7, B9): `GET /calls/list` and `POST /minicrm/contacts/sync` with
 * Ringostat's headers, limits and error shapes, plus an admin API to register calls and to go
 * down for a while. In-process with startRingostatStandIn(); docs/ringostat-standin.md.
 */
import Fastify, { type FastifyBaseLogger } from 'fastify';
import { createLogger } from '../../../platform/logger';
import { registerAdminRoutes } from './admin-http';
import { registerApiRoutes } from './api-routes';
import { StandInCore } from './core';
import type { RingostatStandIn, StandInOptions } from './types';

export type * from './types';

export async function startRingostatStandIn(options: StandInOptions = {}): Promise<RingostatStandIn> {
  const core = new StandInCore();
  const app = Fastify({
    loggerInstance: createLogger({ name: 'ringostat-standin', level: process.env.SANDBOX_LOG_LEVEL ?? 'warn' }) as FastifyBaseLogger,
    forceCloseConnections: true,
    bodyLimit: 5 * 1024 * 1024,
  });
  registerApiRoutes(app, core, options);
  registerAdminRoutes(app, core);
  const address = await app.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' });
  const host = options.host === undefined || ['0.0.0.0', '::'].includes(options.host) ? '127.0.0.1' : options.host;
  return {
    baseUrl: `http://${host}:${new URL(address).port}`,
    admin: core,
    stop: () => app.close(),
  };
}
