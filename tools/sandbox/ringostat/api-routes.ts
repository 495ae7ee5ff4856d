/**
 * The two Ringostat endpoints the bridge uses, with the stand-in's auth, limits and error
 * shapes (docs/ringostat-standin.md says where they are guesses):
 * - a refused key or project: 200 with `{ error: { code, message } }` (Ringostat's JSON-RPC habit);
 * - an unknown field of `/calls/list`: 200 with the text `incorrect field …`;
 * - a malformed sync body: 400 `{ error }`; over the rate: 429 + Retry-After; down: 503 HTML.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { contactsSyncBodySchema } from '../../../schemas/contact-card';
import { createTokenBuckets } from '../../../http/server/token-bucket';
import { parseRingostatDate } from '../../../ringostat/dates';
import type { ProjectState, StandInCore } from './core';
import type { StandInOptions } from './types';

/** Fields the stand-in's call log knows (research A2); others are "incorrect". */
const KNOWN_FIELDS = new Set([
  'uniqueid', 'calldate', 'caller', 'caller_number', 'dst', 'connected_with', 'call_type', 'disposition',
  'duration', 'billsec', 'waittime', 'duration_ms', 'recording', 'recording_wav', 'has_recording',
  'employee_number', 'employee_fio', 'employee_mark', 'department', 'pool_name', 'scheme_name', 'additional_number',
  'utm_source', 'utm_medium', 'utm_campaign', 'utm_content', 'utm_term', 'client_id', 'landing', 'refferrer', 'remote_ip',
  'proper_flag', 'repeated_flag', 'call_counter', 'category_number', 'category_mark', 'call_card',
]);
const DEFAULT_FIELDS = ['uniqueid', 'calldate', 'caller', 'dst', 'call_type', 'disposition', 'duration', 'billsec', 'employee_fio'];
const DAY_MS = 24 * 60 * 60 * 1000;

type Guarded = { project: ProjectState } | undefined;

export function registerApiRoutes(app: FastifyInstance, core: StandInCore, options: StandInOptions): void {
  const maxRows = options.maxRows ?? 6_500;
  const maxContacts = options.maxContactsPerSync ?? 100;
  const buckets = createTokenBuckets(options.rateLimit ?? { perSecond: 10, burst: 20 });

  /** Outage, auth and rate limit, in that order; undefined when the reply has been sent. */
  function guard(request: FastifyRequest, reply: FastifyReply): Guarded {
    const path = request.url.split('?')[0] ?? '';
    const refuse = (status: number, error: string, body: unknown, projectId?: string) => {
      core.record({ at: Date.now(), method: request.method, path, projectId, status, error });
      void reply.code(status).send(body);
      return undefined;
    };
    if (core.isDown()) {
      reply.header('content-type', 'text/html');
      return refuse(503, 'down', '<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>');
    }
    const apiKey = String(request.headers['auth-key'] ?? '');
    const projectId = String(request.headers['x-project-id'] ?? '');
    const byKey = apiKey === '' ? undefined : core.byApiKey(apiKey);
    if (!byKey) return refuse(200, 'auth', { error: { code: 401, message: 'Authorization failed: wrong Auth-key' } });
    if (byKey.spec.projectId !== projectId) {
      return refuse(200, 'auth', { error: { code: 403, message: `Access denied to project "${projectId}"` } }, projectId || undefined);
    }
    const taken = buckets.take(apiKey);
    if (!taken.ok) {
      reply.header('retry-after', String(Math.max(1, Math.ceil(taken.retryAfterMs / 1000))));
      return refuse(429, 'rate-limited', { error: 'Too many requests' }, projectId);
    }
    return { project: byKey };
  }

  app.get('/calls/list', async (request, reply) => {
    const guarded = guard(request, reply);
    if (!guarded) return reply;
    const { project } = guarded;
    const query = request.query as Record<string, string | undefined>;
    const zone = project.spec.timeZone;
    const log = (status: number, count?: number, error?: string) =>
      core.record({ at: Date.now(), method: 'GET', path: '/calls/list', projectId: project.spec.projectId, status, count, error });

    const fields = query.fields ? query.fields.split(',').map((f) => f.trim()).filter(Boolean) : DEFAULT_FIELDS;
    const unknown = fields.find((field) => !KNOWN_FIELDS.has(field));
    if (unknown) {
      log(200, undefined, 'bad-request');
      return reply.type('text/plain').send(`incorrect field ${unknown}`);
    }
    const to = query.to ? parseRingostatDate(query.to, zone) : Date.now();
    const from = query.from ? parseRingostatDate(query.from, zone) : (to ?? Date.now()) - DAY_MS;
    if (to === undefined || from === undefined) {
      log(200, undefined, 'bad-request');
      return reply.send({ error: { code: 400, message: 'from and to must be dates like 2026-11-25 14:00:00' } });
    }
    const rows = [...project.calls.values()]
      .filter(({ at }) => at >= from && at <= to)
      .sort((a, b) => a.at - b.at)
      .slice(0, maxRows)
      .map(({ row }) => Object.fromEntries(fields.map((field) => [field, row[field] ?? ''])));
    log(200, rows.length);
    return reply.send(rows);
  });

  app.post('/minicrm/contacts/sync', async (request, reply) => {
    const guarded = guard(request, reply);
    if (!guarded) return reply;
    const projectId = guarded.project.spec.projectId;
    const parsed = contactsSyncBodySchema.safeParse(request.body);
    const bad = (message: string) => {
      core.record({ at: Date.now(), method: 'POST', path: '/minicrm/contacts/sync', projectId, status: 400, error: 'bad-request' });
      return reply.code(400).send({ error: message });
    };
    if (!parsed.success) return bad(z.prettifyError(parsed.error));
    if (parsed.data.contacts.length > maxContacts) return bad(`at most ${maxContacts} contacts a request`);
    const foreign = parsed.data.contacts.find((contact) => String(contact.projectId) !== projectId);
    if (foreign) return bad(`contact ${foreign.externalId}: projectId ${foreign.projectId} is not the x-project-id`);
    core.syncContacts(projectId, parsed.data.contacts);
    core.record({ at: Date.now(), method: 'POST', path: '/minicrm/contacts/sync', projectId, status: 200, count: parsed.data.contacts.length });
    return reply.send({ status: 'ok', synced: parsed.data.contacts.length });
  });
}
