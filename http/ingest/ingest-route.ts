import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { MAX_EVENT_BYTES } from '../../dispatcher/decode-event';
import { callEventKey } from '../../schemas/call-event';
import { ringostatTimeZone } from '../../schemas/project-config';
import { sendError } from '../server/replies';
import { mapRingostatPayload } from '../../ringostat/payload-mapping';
import type { Producer } from 'kafkajs';
import type { RouteContext } from '../server/route-context';
import { isPlainObject } from '../../platform/plain-values';

/**
 * `POST /v1/projects/:projectId/ringostat-webhook[/:event]` (B5): authenticate, map the
 * Ringostat payload onto the event schema, publish it keyed `{projectId}:{callId}`, and answer
 * 202 only once Kafka acknowledged it. Ringostat never retries a failed webhook, so a failure
 * to publish is a 503 that shows on its "Webhook error check" page rather than a silent loss.
 * GET is accepted too: a Ringostat webhook may be configured to send its data as a query string.
 */

export function registerIngestRoutes(app: FastifyInstance, ctx: RouteContext, sink: { producer: Pick<Producer, 'send'>; topic: string }): void {
  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    const project = ctx.authorize(request, reply, 'ingest');
    if (!project) return reply;

    const body: unknown = request.body;
    if (body !== undefined && !isPlainObject(body)) {
      return sendError(request, reply, 400, { error: 'invalid_payload', field: '(body)', reason: 'expected a JSON object or form fields' });
    }
    // Static parameters (the token, `event`, tenant markers) can only ride in Ringostat's URL;
    // the token is dropped here so that it never reaches Kafka (R4).
    const query = isPlainObject(request.query) ? { ...request.query } : {};
    delete query.token;
    const routeEvent = (request.params as { event?: string }).event;
    const queryEvent = typeof query.event === 'string' ? query.event : undefined;
    const payload = { ...query, ...(body ?? {}) };

    const mapped = mapRingostatPayload(payload, {
      projectId: project.id,
      event: routeEvent ?? queryEvent,
      // Ringostat prints its dates on its account's clock.
      timeZone: ringostatTimeZone(project),
      receivedAt: new Date(),
    });
    if (!mapped.ok) {
      return sendError(request, reply, 400, { error: 'invalid_payload', field: mapped.error.field, reason: mapped.error.reason });
    }
    const { event, warnings } = mapped;

    // The dispatcher dead-letters values over MAX_EVENT_BYTES (R2). `raw` roughly doubles a
    // large payload (its fields are in `extra` too), so it is the first thing to give up.
    let value = JSON.stringify(event);
    if (Buffer.byteLength(value) > MAX_EVENT_BYTES) {
      delete event.raw;
      warnings.push({ field: '(body)', reason: 'too large to keep the raw payload; raw was dropped' });
      value = JSON.stringify(event);
    }
    if (Buffer.byteLength(value) > MAX_EVENT_BYTES) {
      return sendError(request, reply, 413, { error: 'payload_too_large', reason: `the mapped event is larger than ${MAX_EVENT_BYTES} bytes` });
    }

    try {
      await sink.producer.send({
        topic: sink.topic,
        // All replicas in sync: a 202 means the event survives a broker loss.
        acks: -1,
        messages: [{ key: callEventKey(event), value }],
      });
    } catch (err) {
      request.log.error({ err, projectId: project.id, callId: event.callId }, 'could not publish a webhook to Kafka');
      reply.header('retry-after', '5');
      return sendError(request, reply, 503, { error: 'unavailable', reason: 'the event could not be written to Kafka; try again' });
    }
    if (warnings.length > 0) request.log.warn({ projectId: project.id, callId: event.callId, warnings }, 'webhook accepted with warnings');
    request.log.info({ projectId: project.id, callId: event.callId, eventId: event.eventId, type: event.type }, 'webhook published');
    return reply.code(202).send({
      accepted: true, eventId: event.eventId, callId: event.callId, type: event.type,
      ...(warnings.length > 0 ? { warnings } : {}),
    });
  };

  for (const url of ['/v1/projects/:projectId/ringostat-webhook', '/v1/projects/:projectId/ringostat-webhook/:event']) {
    app.route({ method: ['GET', 'POST'], url, handler });
  }
}
