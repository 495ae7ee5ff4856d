import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from '../../platform/logger';
import type { Readiness } from '../../observability/readiness';
import type { BridgeConfig } from '../../schemas/project-config';
import { pathOnly, presentedToken, tokenMatches } from './auth';
import { registerBodyParsers } from './body-parsers';
import { createHttpMetrics, type HttpMetrics } from '../../observability/http-metrics';
import { rejectionOf, sendError } from './replies';
import type { RouteContext, RoutedEndpoint } from './route-context';
import { createTokenBuckets, type BucketLimit, type TokenBuckets } from './token-bucket';

/**
 * The server every HTTP feature shares (docs/contracts.md §5): body parsing, per-project token auth
 * and rate limits, /healthz, /readyz, /metrics, errors and request metrics. The features
 * (ingest/, routing/) register their routes on it through `routes`; http/http-app.ts puts them
 * together, so this module knows none of them.
 */

export const DEFAULT_BODY_LIMIT = 256 * 1024;

/** Defaults: a busy project's webhooks, and the routing answer's 500 requests/s target (P5) with headroom. */
export const DEFAULT_RATE_LIMITS: Record<RoutedEndpoint, BucketLimit> = {
  ingest: { perSecond: 50, burst: 200 },
  responsible: { perSecond: 1000, burst: 2000 },
};

export interface SharedServerOptions {
  config: BridgeConfig;
  logger: Logger;
  rateLimits?: Partial<Record<RoutedEndpoint, BucketLimit>>;
  bodyLimit?: number;
  metrics?: HttpMetrics;
  /** More Prometheus text appended to /metrics: the process registry, the Temporal SDK's exporter. */
  metricsExtras?: Array<() => Promise<string>>;
  /** The checks of /readyz; without it /readyz answers like /healthz. */
  readiness?: Readiness;
  /** Time source of the rate limiter (tests). */
  now?: () => number;
}

export function buildSharedServer(options: SharedServerOptions, routes: Array<(app: FastifyInstance, ctx: RouteContext) => void>): FastifyInstance {
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const metrics = options.metrics ?? createHttpMetrics();
  const projects = new Map(options.config.projects.map((p) => [p.id, p]));
  const buckets: Record<RoutedEndpoint, TokenBuckets> = {
    ingest: createTokenBuckets(options.rateLimits?.ingest ?? DEFAULT_RATE_LIMITS.ingest, options.now),
    responsible: createTokenBuckets(options.rateLimits?.responsible ?? DEFAULT_RATE_LIMITS.responsible, options.now),
  };
  // Fastify's own request serializer prints the URL with its query string, i.e. with ?token=.
  const log = options.logger.child({ component: 'http' }, {
    serializers: { req: (req: { method?: string; url?: string }) => ({ method: req.method, path: pathOnly(req.url ?? '') }) },
  });

  const app = Fastify({
    loggerInstance: log as FastifyBaseLogger,
    // Fastify's per-request lines would repeat ours; ours carry the project and never the query.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit,
    forceCloseConnections: true,
    routerOptions: { ignoreTrailingSlash: true },
  });
  registerBodyParsers(app);

  const projectLabel = (projectId: unknown) => (typeof projectId === 'string' && projects.has(projectId) ? projectId : 'unknown');

  const ctx: RouteContext = {
    projects, metrics, projectLabel,
    authorize(request, reply, route) {
      const { projectId } = request.params as { projectId?: string };
      const project = projectId === undefined ? undefined : projects.get(projectId);
      if (!project) {
        sendError(request, reply, 404, { error: 'unknown_project', reason: `project "${String(projectId)}" is not configured` });
        return undefined;
      }
      if (!project.ingestToken) {
        sendError(request, reply, 403, { error: 'endpoint_disabled', reason: `project "${project.id}" has no ingestToken in its config: the HTTP endpoints are off for it` });
        return undefined;
      }
      const token = presentedToken(request.headers, request.query);
      if (!tokenMatches(project.ingestToken, token)) {
        reply.header('www-authenticate', 'Bearer');
        sendError(request, reply, 401, {
          error: 'unauthorized',
          reason: token === undefined ? 'a token is required: ?token=… or Authorization: Bearer …' : 'the token is not valid for this project',
        });
        return undefined;
      }
      // After auth: callers without the token must not be able to spend a project's budget.
      const taken = buckets[route].take(project.id);
      if (!taken.ok) {
        reply.header('retry-after', String(Math.max(1, Math.ceil(taken.retryAfterMs / 1000))));
        sendError(request, reply, 429, { error: 'rate_limited', reason: `too many requests for project "${project.id}": retry later` });
        return undefined;
      }
      return project;
    },
  };

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    // 503 names the failing part, e.g. {"status":"not-ready","failing":["kafka"],"checks":{…}}.
    const report = options.readiness ? await options.readiness.evaluate() : { ready: true, checks: {} };
    const failing = Object.entries(report.checks).filter(([, check]) => !check.ok).map(([name]) => name);
    return reply.code(report.ready ? 200 : 503).send({ status: report.ready ? 'ready' : 'not-ready', failing, checks: report.checks });
  });
  app.get('/metrics', async (_request, reply) => {
    const texts = await Promise.all([metrics.registry.metrics(), ...(options.metricsExtras ?? []).map((extra) => extra())]);
    return reply.type(metrics.registry.contentType).send(texts.filter((text) => text !== '').join('\n'));
  });
  for (const register of routes) register(app, ctx);

  app.setNotFoundHandler((request, reply) => sendError(request, reply, 404, { error: 'not_found', reason: `no endpoint ${request.method} ${pathOnly(request.url)}` }));

  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, request, reply) => {
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || err.statusCode === 413) {
      return sendError(request, reply, 413, { error: 'payload_too_large', reason: `the body is larger than ${bodyLimit} bytes` });
    }
    if (err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500) {
      return sendError(request, reply, err.statusCode, { error: err.name === 'BodyError' ? 'invalid_body' : 'bad_request', reason: err.message });
    }
    request.log.error({ err, path: pathOnly(request.url) }, 'unexpected error in an HTTP handler');
    return sendError(request, reply, 500, { error: 'internal', reason: 'unexpected error; see the service log' });
  });

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const status = reply.statusCode;
    metrics.requests.inc({ method: request.method, route, status: String(status) });
    metrics.latency.observe({ method: request.method, route }, reply.elapsedTime / 1000);
    const isIngest = route.includes('ringostat-webhook');
    const projectId = (request.params as { projectId?: string } | undefined)?.projectId;
    if (route.endsWith('/responsible')) {
      // The routing answer's own latency per project and result, beside the route-wide histogram (F1, P5).
      const result = String(reply.getHeader('x-routing-result') ?? `http_${status}`);
      metrics.routingLatency.observe({ project: projectLabel(projectId), result }, reply.elapsedTime / 1000);
    }
    if (isIngest) {
      const rejected = status === 202 ? undefined : rejectionOf(request) ?? `http_${status}`;
      metrics.ingest.inc({ project: projectLabel(projectId), outcome: rejected ? 'rejected' : 'accepted', reason: rejected ?? 'ok' });
    }
    // The routing endpoint takes hundreds of requests a second: only its failures are worth info.
    const fields = { method: request.method, path: pathOnly(request.url), status, ms: Math.round(reply.elapsedTime * 10) / 10, projectId };
    if (status >= 500) request.log.error(fields, 'http request failed');
    else if (status >= 400 || isIngest) request.log.info(fields, 'http request');
    else request.log.debug(fields, 'http request');
  });

  return app;
}
