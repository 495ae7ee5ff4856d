import { BitrixTokenInvalidError } from '../bitrix/errors';
import { createBitrixClient, type BitrixClient } from '../bitrix/client';
import { parseWebhookUrl } from '../bitrix/webhook-url';
import type { CredentialStore } from '../lib/credential-store';
import type { Logger } from '../lib/logger';
import type { ProjectConfig } from '../schemas/project-config';

export interface BitrixSession {
  client: BitrixClient;
  /** Credentials version the client was built from: a failure is reported against it. */
  version: number;
}

/**
 * One auto-batching Bitrix24 client per project and credentials version, shared by every
 * activity of this worker, so concurrent calls share one rate limiter and one batch queue (B8).
 */
export function createBitrixSessions(deps: { credentials: CredentialStore; logger: Logger }) {
  const clients = new Map<string, BitrixSession>();

  return async function sessionFor(project: ProjectConfig): Promise<BitrixSession> {
    const stored = await deps.credentials.read(project.id);
    if (stored.status === 'broken') {
      // Parked projects do not touch Bitrix24 again until an operator reactivates (T1).
      throw new BitrixTokenInvalidError({
        code: 'INTEGRATION_BROKEN', method: 'credentials',
        description: `integration marked broken at ${stored.brokenAt}: ${stored.brokenReason ?? 'invalid token'}`,
      });
    }
    const key = `${project.id}@${stored.version}`;
    let session = clients.get(key);
    if (!session) {
      const webhook = parseWebhookUrl(stored.webhookUrl ?? project.bitrix24.webhookUrl);
      const client = createBitrixClient({
        webhook, rateLimit: project.bitrix24.rateLimit, autoBatch: true,
        logger: deps.logger.child({ projectId: project.id }),
      });
      session = { client, version: stored.version };
      for (const old of clients.keys()) if (old.startsWith(`${project.id}@`)) clients.delete(old);
      clients.set(key, session);
    }
    return session;
  };
}
