/**
 * The stand-in's admin API over HTTP, under /_ringostat/, for the demo and `simulate` in other
 * processes. Each route mirrors one StandInAdmin method; bodies are validated with zod.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { StandInCore } from './core';

const projectSchema = z.object({ projectId: z.string(), apiKey: z.string(), timeZone: z.string().optional() });
const rowsSchema = z.object({ calls: z.array(z.record(z.string(), z.union([z.string(), z.number()]))) });

export function registerAdminRoutes(app: FastifyInstance, core: StandInCore): void {
  const route = (method: 'GET' | 'POST' | 'PUT', url: string, run: (params: Record<string, string>, body: unknown) => unknown) => {
    app.route({
      method, url: `/_ringostat${url}`,
      handler: async (request, reply) => {
        try {
          const result = run(request.params as Record<string, string>, request.body ?? {});
          return reply.code(method === 'POST' ? 201 : 200).send(result ?? { ok: true });
        } catch (err) {
          const message = err instanceof z.ZodError ? z.prettifyError(err) : err instanceof Error ? err.message : String(err);
          return reply.code(message.includes('unknown project') ? 404 : 400).send({ error: message });
        }
      },
    });
  };
  route('POST', '/projects', (_p, body) => core.createProject(projectSchema.parse(body)));
  route('POST', '/projects/:projectId/calls', (p, body) => core.registerCalls(p.projectId as string, rowsSchema.parse(body).calls));
  route('GET', '/projects/:projectId/calls', (p) => core.calls(p.projectId as string));
  route('GET', '/projects/:projectId/contacts', (p) => core.contacts(p.projectId as string));
  route('PUT', '/outage', (_p, body) => core.goDown(z.object({ ms: z.number().int().nonnegative() }).parse(body).ms));
  route('GET', '/requests', () => core.requests());
  route('POST', '/reset', () => core.reset());
}
