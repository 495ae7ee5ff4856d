/**
 * The admin API over HTTP, under /_sandbox/, for using the sandbox from another process (the
 * demo, a shell). Each route mirrors one SandboxAdmin method; bodies are validated with zod.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { SandboxCore } from './core';
import { listMethods } from './methods';

const rateLimitSchema = z.object({ enabled: z.boolean(), perSecond: z.number().positive(), burst: z.number().int().positive() });

const portalSchema = z.object({
  id: z.string().min(1),
  users: z.array(z.object({
    id: z.number().int().positive(),
    name: z.string(),
    lastName: z.string().optional(),
    email: z.string().optional(),
    active: z.boolean().optional(),
    extension: z.string().optional(),
    admin: z.boolean().optional(),
  })).min(1),
  rateLimit: rateLimitSchema.optional(),
  dealCategories: z.array(z.object({ id: z.number().int().nonnegative(), name: z.string() })).optional(),
  utcOffsetMinutes: z.number().int().optional(),
});

const rate = z.number().min(0).max(1).optional();
const faultsSchema = z.array(z.object({
  method: z.string().optional(),
  latencyMs: z.number().nonnegative().optional(),
  errorRate: rate,
  timeoutRate: rate,
  rateLimitRate: rate,
  lostResponseRate: rate,
}));

type Params = Record<string, string>;

function fail(reply: FastifyReply, err: unknown): FastifyReply {
  if (err instanceof z.ZodError) return reply.code(400).send({ error: 'BAD_REQUEST', message: z.prettifyError(err) });
  const message = err instanceof Error ? err.message : String(err);
  return reply.code(message.includes('unknown portal') ? 404 : 400).send({ error: 'BAD_REQUEST', message });
}

export function registerAdmin(app: FastifyInstance, core: SandboxCore): void {
  const route = (
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    url: string,
    run: (params: Params, body: unknown, query: Params) => unknown,
  ): void => {
    app.route({
      method,
      url: `/_sandbox${url}`,
      handler: async (request, reply) => {
        try {
          const result = run(request.params as Params, request.body ?? {}, request.query as Params);
          return reply.code(method === 'POST' ? 201 : 200).send(result ?? { ok: true });
        } catch (err) {
          return fail(reply, err);
        }
      },
    });
  };

  route('POST', '/portals', (_p, body) => core.createPortal(portalSchema.parse(body)));
  route('DELETE', '/portals/:portalId', (p) => core.deletePortal(p.portalId as string));
  route('POST', '/portals/:portalId/webhooks', (p, body) => {
    const { userId, secret } = z.object({ userId: z.number().int().positive(), secret: z.string().min(1).optional() }).parse(body);
    return { url: core.createWebhook(p.portalId as string, userId, secret) };
  });
  route('POST', '/webhooks/revoke', (_p, body) => core.revokeWebhook(z.object({ url: z.string() }).parse(body).url));
  route('PUT', '/portals/:portalId/users/:userId/active', (p, body) =>
    core.setUserActive(p.portalId as string, Number(p.userId), z.object({ active: z.boolean() }).parse(body).active));
  route('POST', '/portals/:portalId/seed/:entity', (p, body) => {
    const entity = z.enum(['lead', 'contact', 'deal']).parse(p.entity);
    return { id: core.seed(p.portalId as string, entity, z.record(z.string(), z.unknown()).parse(body)) };
  });
  route('PUT', '/portals/:portalId/faults', (p, body) => core.setFaults(p.portalId as string, faultsSchema.parse(body)));
  route('PUT', '/portals/:portalId/rate-limit', (p, body) => core.setRateLimit(rateLimitSchema.parse(body), p.portalId));
  route('PUT', '/rate-limit', (_p, body) => core.setRateLimit(rateLimitSchema.parse(body)));
  route('POST', '/random-seed', (_p, body) => core.setRandomSeed(z.object({ seed: z.number().int() }).parse(body).seed));
  route('GET', '/portals/:portalId/state', (p) => core.state(p.portalId as string));
  route('GET', '/requests', (_p, _b, query) => core.requestLog(query.portalId));
  route('POST', '/reset', () => core.reset());
  route('GET', '/methods', () => listMethods());
}
