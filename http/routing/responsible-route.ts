import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendError } from '../server/replies';
import { restorePlus } from '../../ringostat/payload-params';
import type { RouteContext } from '../server/route-context';
import type { ResponsibleResolver } from './responsible-resolver';
import { isPlainObject } from '../../platform/plain-values';

/**
 * `GET|POST /v1/projects/:projectId/responsible?phone=…[&format=text]` (F1–F3). Ringostat's
 * "webhook forwarding number" sends the caller's number under a parameter name of the
 * operator's choosing, so the usual names are all read. Whatever happens behind it, the
 * answer is a 200: "none" (`{employee:null,destination:null}`, or an empty text body) lets
 * Ringostat continue its forwarding scheme (F2). Only a caller's own mistakes get a 4xx.
 */

const PHONE_KEYS = ['phone', 'caller', 'number', 'caller_number', 'callerid', 'caller_id', 'client_number', 'from', 'src'];

function firstString(input: Record<string, unknown>, keys: string[]): string | undefined {
  const lower = new Map(Object.entries(input).map(([k, v]) => [k.toLowerCase(), v]));
  for (const key of keys) {
    const value = lower.get(key);
    const text = Array.isArray(value) ? value[0] : value;
    if (typeof text === 'string' && text.trim() !== '') return text;
    if (typeof text === 'number') return String(text);
  }
  return undefined;
}

export function registerResponsibleRoutes(app: FastifyInstance, ctx: RouteContext, deps: { responsible: ResponsibleResolver }): void {
  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    const project = ctx.authorize(request, reply, 'responsible');
    if (!project) return reply;

    const input = { ...(isPlainObject(request.query) ? request.query : {}), ...(isPlainObject(request.body) ? request.body : {}) };
    const phone = firstString(input, PHONE_KEYS);
    if (phone === undefined) {
      return sendError(request, reply, 400, { error: 'invalid_request', field: 'phone', reason: 'the caller\'s number is required: ?phone=…' });
    }
    const format = firstString(input, ['format'])?.toLowerCase();
    if (format !== undefined && format !== 'text' && format !== 'json') {
      return sendError(request, reply, 400, { error: 'invalid_request', field: 'format', reason: 'format must be text or json' });
    }

    const answer = await deps.responsible.resolve(project.id, restorePlus(phone));
    ctx.metrics.routing.inc({ project: project.id, result: answer.result });
    // The reason for "none" is for operators (curl -i), not part of the contract's body.
    reply.header('x-routing-result', answer.result);
    if (format === 'text') return reply.type('text/plain; charset=utf-8').send(answer.destination ?? '');
    if (!answer.employee) return { employee: null, destination: null };
    return { employee: answer.employee, destination: answer.destination, matched: answer.matched };
  };
  app.route({ method: ['GET', 'POST'], url: '/v1/projects/:projectId/responsible', handler });
}
