import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * Error answers of the HTTP endpoints: always JSON `{ error, reason, field? }` with a clear
 * 4xx (R5). The error code is remembered per request so that the metrics hook can count
 * rejected webhooks by reason without every handler doing it.
 */
export interface ErrorBody {
  error: string;
  reason: string;
  field?: string;
}

const reasons = new WeakMap<FastifyRequest, string>();

export function rejectionOf(request: FastifyRequest): string | undefined {
  return reasons.get(request);
}

export function sendError(request: FastifyRequest, reply: FastifyReply, status: number, body: ErrorBody): FastifyReply {
  reasons.set(request, body.error);
  return reply.code(status).type('application/json; charset=utf-8').send(body);
}
