import { BitrixTokenInvalidError } from '../bitrix/errors';
import { createBitrixClient, type BitrixClient } from '../bitrix/client';
import { parseWebhookUrl } from '../bitrix/webhook-url';
import type { CredentialsCache } from './credentials-cache';
import type { Logger } from '../platform/logger';
import { createBitrixMetrics } from '../bitrix/metrics';
import type { ProjectConfig } from '../schemas/project-config';

export interface BitrixSession {
  client: BitrixClient;
  /** Credentials version the client was built from: a failure is reported against it. */
  version: number;
}

/**
 * One auto-batching Bitrix24 client per project and credentials version, shared by every
 * activity of this process, so concurrent calls share one rate limiter and one batch queue (B8).
 */
export function createBitrixSessions(deps: { credentials: CredentialsCache; logger: Logger }) {
  const clients = new Map<string, BitrixSession>();
  const metrics = createBitrixMetrics();

  return async function sessionFor(project: ProjectConfig, minVersion = 0): Promise<BitrixSession> {
    const current = await deps.credentials.current(project.id, minVersion);
    if (current.status === 'broken' || !current.webhookUrl) {
      // Parked projects do not touch Bitrix24 again until an operator reactivates (T1).
      throw new BitrixTokenInvalidError({
        code: 'INTEGRATION_BROKEN', method: 'credentials',
        description: `integration broken since ${current.brokenSince ?? '?'}: ${current.brokenReason ?? 'invalid token'}`,
      });
    }
    const key = `${project.id}@${current.version}`;
    let session = clients.get(key);
    if (!session) {
      const client = createBitrixClient({
        webhook: parseWebhookUrl(current.webhookUrl), rateLimit: project.bitrix24.rateLimit, autoBatch: true,
        observer: metrics.observerFor(project.id),
        logger: deps.logger.child({ projectId: project.id }),
      });
      session = { client, version: current.version };
      for (const old of clients.keys()) if (old.startsWith(`${project.id}@`)) clients.delete(old);
      clients.set(key, session);
    }
    return session;
  };
}
