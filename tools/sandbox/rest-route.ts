/**
 * The REST entry point `/rest/{user_id}/{secret}/{method}[.json]`. All portals share this host,
 * so the webhook (user id + secret) names the portal. Order of checks, as a request meets them
 * at Bitrix24: credentials → portal alive → user active → rate limit → (sandbox faults) → method.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { setTimeout as sleep } from 'node:timers/promises';
import { batchCommands, splitCommand } from './batch';
import { timeBlock } from './clock';
import type { SandboxCore } from './core';
import { decideFault } from './faults';
import { callContext, dispatch } from './methods';
import { isObject, type Params } from './params';
import { RestError, systemErrors, toRestError } from './rest-error';
import type { RequestLogEntry } from './types';

function normalizeMethod(raw: string): string {
  return raw.toLowerCase().replace(/\.json$/, '');
}

/** Query first, body over it: a POST may carry both, Bitrix24 merges them the same way. */
function readParams(request: FastifyRequest): Params {
  const query = isObject(request.query) ? request.query : {};
  const body = isObject(request.body) ? request.body : {};
  return { ...query, ...body };
}

/** Never answers: the socket stays open until the client gives up or the sandbox stops. */
function hold(core: SandboxCore, request: FastifyRequest, reply: FastifyReply): void {
  reply.hijack();
  const socket = request.raw.socket;
  core.heldSockets.add(socket);
  socket.once('close', () => core.heldSockets.delete(socket));
}

async function handleRest(core: SandboxCore, request: FastifyRequest, reply: FastifyReply): Promise<unknown> {
  const received = Date.now();
  const { userId = '', secret = '', method: rawMethod = '' } = request.params as Record<string, string | undefined>;
  const method = normalizeMethod(rawMethod);
  const params = readParams(request);
  const hook = core.findWebhook(userId, secret);
  const portal = hook ? core.portals.get(hook.portalId) : undefined;
  const entry: RequestLogEntry = { portalId: hook?.portalId ?? '', method, at: received, status: 0, commands: 1 };
  try {
    if (!hook || hook.revoked || !portal) throw systemErrors.invalidCredentials();
    if (portal.deleted) throw systemErrors.portalDeleted();
    // A deactivated (dismissed) user's webhook stops authorising, like a deleted one.
    if (!portal.users.get(hook.userId)?.active) throw systemErrors.invalidCredentials();
    const commands = method === 'batch' ? batchCommands(params) : [];
    if (method === 'batch') entry.commands = commands.length;
    if (!portal.bucket.take(core.rateLimitFor(portal))) throw systemErrors.queryLimit();

    const methods = [method, ...commands.map(([, command]) => splitCommand(command).method)];
    const fault = decideFault(portal.faults, methods, core.random);
    if (fault.latencyMs > 0) await sleep(fault.latencyMs);
    if (fault.outcome === 'timeout') {
      core.record({ ...entry, error: 'TIMEOUT' });
      return hold(core, request, reply);
    }
    if (fault.outcome === 'error') throw systemErrors.internal();
    if (fault.outcome === 'rateLimit') throw systemErrors.queryLimit();

    const processing = Date.now();
    const outcome = dispatch(callContext(portal, hook.userId), method, params);
    if (fault.outcome === 'lostResponse') {
      core.record({ ...entry, error: 'LOST_RESPONSE' });
      return hold(core, request, reply);
    }
    const body: Record<string, unknown> = { result: outcome.result };
    if (outcome.total !== undefined) body.total = outcome.total;
    if (outcome.next !== undefined) body.next = outcome.next;
    body.time = timeBlock(received, processing, Date.now(), portal.offsetMin);
    core.record({ ...entry, status: 200 });
    return reply.code(200).send(body);
  } catch (err) {
    // A non-RestError is a sandbox bug: answer like Bitrix24 would, but say so in the log.
    if (!(err instanceof RestError)) request.log.error({ err }, 'sandbox handler failed');
    const error = toRestError(err);
    core.record({ ...entry, status: error.status, error: error.code || error.description });
    return reply.code(error.status).send(error.toBody());
  }
}

export function registerRest(app: FastifyInstance, core: SandboxCore): void {
  app.route({
    method: ['GET', 'POST'],
    url: '/rest/:userId/:secret/:method',
    handler: (request, reply) => handleRest(core, request, reply),
  });
  // OAuth-style path without an auth token: Bitrix24 answers "no auth" before anything else.
  app.route({
    method: ['GET', 'POST'],
    url: '/rest/:method',
    handler: (_request, reply) => reply.code(401).send(systemErrors.noAuth().toBody()),
  });
}
