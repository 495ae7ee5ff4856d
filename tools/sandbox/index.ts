/**
 * The Bitrix24 sandbox (requirement B6): a local emulator of the REST methods the bridge uses,
 * with webhook auth, batch, pagination, the leaky-bucket limit, Bitrix24's error codes and
 * injectable faults. Start it in-process with startSandbox(), or standalone with main.ts.
 */
import Fastify, { type FastifyBaseLogger } from 'fastify';
import { createLogger } from '../../platform/logger';
import { registerAdmin } from './admin-http';
import { DEFAULT_RATE_LIMIT, SandboxCore } from './core';
import { parsePhpQuery } from './php-query';
import { registerRest } from './rest-route';
import { systemErrors } from './rest-error';
import type { Sandbox, StartOptions } from './types';

export type * from './types';

/** Bitrix24 ignores a body it cannot read; the request then carries only its query string. */
function parseLoose(body: string): unknown {
  const text = body.trim();
  if (text === '') return {};
  if (text.startsWith('{') || text.startsWith('[')) {
    try {
      return JSON.parse(text);
    } catch {
      return {};
    }
  }
  return parsePhpQuery(text);
}

export async function startSandbox(opts: StartOptions = {}): Promise<Sandbox> {
  const core = new SandboxCore({ ...(opts.rateLimit ?? DEFAULT_RATE_LIMIT) });
  const app = Fastify({
    // pino's Logger and fastify's base logger type differ only in generics; the instance fits.
    loggerInstance: createLogger({
      name: 'b24-sandbox',
      level: opts.logLevel ?? process.env.SANDBOX_LOG_LEVEL ?? 'warn',
    }) as FastifyBaseLogger,
    forceCloseConnections: true,
    bodyLimit: 10 * 1024 * 1024,
    routerOptions: { querystringParser: (query: string) => parsePhpQuery(query), ignoreTrailingSlash: true },
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, parsePhpQuery(String(body)));
  });
  // JSON, and anything else (text/plain from curl, no content type): parse what can be parsed.
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, parseLoose(String(body))));

  registerRest(app, core);
  registerAdmin(app, core);
  app.setNotFoundHandler((request, reply) => {
    // A malformed webhook URL (e.g. no user id) reaches no method (research §1.1).
    if (request.url.startsWith('/rest/')) return reply.code(404).send(systemErrors.methodNotFound().toBody());
    return reply.code(404).send({ error: 'NOT_FOUND', error_description: 'Not found' });
  });

  const address = await app.listen({ port: opts.port ?? 0, host: opts.host ?? '127.0.0.1' });
  const host = opts.host === undefined || ['0.0.0.0', '::'].includes(opts.host) ? '127.0.0.1' : opts.host;
  core.baseUrl = `http://${host}:${new URL(address).port}`;

  return {
    baseUrl: core.baseUrl,
    admin: core,
    stop: async () => {
      for (const socket of core.heldSockets) socket.destroy();
      core.heldSockets.clear();
      await app.close();
    },
  };
}
