import type { FastifyReply, FastifyRequest } from 'fastify';
import type { HttpMetrics } from '../../observability/http-metrics';
import type { ProjectConfig } from '../../schemas/project-config';

/** The endpoints that act for one project: each has its own token bucket per project. */
export type RoutedEndpoint = 'ingest' | 'responsible';

/** What the shared server hands every feature's routes. */
export interface RouteContext {
  projects: ReadonlyMap<string, ProjectConfig>;
  metrics: HttpMetrics;
  /** 404 / 403 / 401 / 429, or the project the caller may act for. */
  authorize(request: FastifyRequest, reply: FastifyReply, route: RoutedEndpoint): ProjectConfig | undefined;
  projectLabel(projectId: unknown): string;
}
