import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import type { Kafka } from 'kafkajs';
import { checkWebhook } from '../bitrix/users';
import { createBitrixClient } from '../bitrix/client';
import { BitrixError } from '../bitrix/errors';
import { parseWebhookUrl } from '../bitrix/webhook-url';
import { releaseParkedCalls } from '../integration/integration-client';
import type { SecretBox } from '../integration/secret-box';
import { resendProjectEvents } from '../dispatcher/resend-events';
import type { ResendCheckpoint, ResendHeartbeat } from '../schemas/resend';
import { resendWindowStart } from '../dispatcher/resend-window';
import type { Logger } from '../platform/logger';
import type { BridgeConfig } from '../schemas/project-config';
import { FailureType, type IntegrationActivities } from '../workflows/contract';
import { projectLookup } from './bitrix-access';

export interface IntegrationActivityDeps {
  config: BridgeConfig;
  temporal: Client;
  secrets: SecretBox;
  kafka: () => Kafka;
  topic: string;
  logger: Logger;
}

export function createIntegrationActivities(deps: IntegrationActivityDeps): IntegrationActivities {
  const project = projectLookup(deps.config);
  return {
    async checkWebhook({ projectId, webhook }) {
      const p = project(projectId);
      let url;
      try {
        url = parseWebhookUrl(deps.secrets.open(webhook));
      } catch (err) {
        throw ApplicationFailure.nonRetryable((err as Error).message, FailureType.WebhookRefused);
      }
      try {
        const check = await checkWebhook(createBitrixClient({ webhook: url, rateLimit: p.bitrix24.rateLimit }));
        return { portal: url.portal, activeUsers: check.activeUsers.length };
      } catch (err) {
        const reason = err instanceof BitrixError ? `${err.code || 'error'}: ${err.description || err.message}` : (err as Error).message;
        throw ApplicationFailure.nonRetryable(`the portal refused the new webhook (${reason})`, FailureType.WebhookRefused);
      }
    },

    async releaseParkedCalls({ projectId, action }) {
      return releaseParkedCalls(deps.temporal, projectId, action, () => Context.current().heartbeat());
    },

    async resendEvents({ projectId, startedAt }) {
      const p = project(projectId);
      const context = Context.current();
      const resumed = context.info.heartbeatDetails as ResendHeartbeat | undefined;
      const since = resumed?.since ?? resendWindowStart(new Date(), p.timeZone).toISOString();
      const began = resumed?.startedAt ?? startedAt ?? new Date().toISOString();
      if (resumed?.checkpoint) deps.logger.info({ projectId, read: resumed.checkpoint.read }, 'resend resumes where it was');
      let latest: ResendCheckpoint | undefined = resumed?.checkpoint;
      const beat = () => context.heartbeat({ since, startedAt: began, checkpoint: latest } satisfies ResendHeartbeat);
      beat();
      const { events: _events, inProgress, ...summary } = await resendProjectEvents({
        kafka: deps.kafka(), temporal: deps.temporal, config: deps.config, projectId, topic: deps.topic,
        since: new Date(since), startedAt: new Date(began), resumeFrom: resumed?.checkpoint,
        onCheckpoint: (checkpoint) => {
          latest = checkpoint;
          beat();
        },
        // The SDK sends at most one heartbeat per 0.8 × the timeout, whatever the rate here.
        onAlive: beat,
        signal: context.cancellationSignal,
      });
      return { ...summary, inProgress, since, read: latest?.read ?? 0, total: latest?.total ?? 0 };
    },
  };
}
