import type { FastifyInstance } from 'fastify';
import type { Producer } from 'kafkajs';
import { registerIngestRoutes } from './ingest/ingest-route';
import type { ResponsibleResolver } from './routing/responsible-resolver';
import { registerResponsibleRoutes } from './routing/responsible-route';
import { buildSharedServer, type SharedServerOptions } from './server/server';

export interface HttpServerOptions extends SharedServerOptions {
  /** A connected kafkajs producer; a webhook is answered 202 only after Kafka acknowledged it. */
  producer: Pick<Producer, 'send'>;
  topic: string;
  responsible: ResponsibleResolver;
}

/**
 * The bridge's HTTP face: Ringostat's webhook ingest (B5) and the smart-forwarding answer
 * (F1–F3) on the shared server. Built here, listened to by the caller (http/main.ts, or
 * workers/main.ts beside the worker), tested with inject().
 */
export function buildHttpServer(options: HttpServerOptions): FastifyInstance {
  const { producer, topic, responsible, ...shared } = options;
  return buildSharedServer(shared, [
    (app, ctx) => registerIngestRoutes(app, ctx, { producer, topic }),
    (app, ctx) => registerResponsibleRoutes(app, ctx, { responsible }),
  ]);
}
