import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import type { Kafka } from 'kafkajs';
import { checkWebhook } from '../bitrix/users';
import { createBitrixClient } from '../bitrix/client';
import { BitrixError } from '../bitrix/errors';
import { parseWebhookUrl } from '../bitrix/webhook-url';
import { integrationHandle, releaseParkedCalls } from '../integration/integration-client';
import type { SecretBox } from '../integration/secret-box';
import { resendProjectEvents, type ResendCheckpoint } from '../dispatcher/resend-events';
import { resendWindowStart } from '../dispatcher/resend-window';
import type { Logger } from '../platform/logger';
import type { BridgeConfig } from '../schemas/project-config';
import { FailureType, resendProgressSignal, type IntegrationActivities } from '../workflows/contract';
import { projectLookup } from './bitrix-access';

export interface IntegrationActivityDeps {
  config: BridgeConfig;
  temporal: Client;
  secrets: SecretBox;
  kafka: () => Kafka;
  topic: string;
  logger: Logger;
}

/** What a resend heartbeats: its window start and where it stands, to resume after a crash. */
interface ResendHeartbeat {
  since: string;
  checkpoint?: ResendCheckpoint;
}

/** The progress signal goes at most this often: the CLI and `status` read it from the workflow. */
const PROGRESS_EVERY_MS = 1_000;

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

    async resendEvents({ projectId, credentialsVersion }) {
      const p = project(projectId);
      const context = Context.current();
      const resumed = context.info.heartbeatDetails as ResendHeartbeat | undefined;
      const since = resumed?.since ?? resendWindowStart(new Date(), p.timeZone).toISOString();
      if (resumed?.checkpoint) deps.logger.info({ projectId, read: resumed.checkpoint.read }, 'resend resumes where it was');
      const handle = integrationHandle(deps.temporal, projectId);
      let lastSent = 0;
      let latest: ResendCheckpoint | undefined = resumed?.checkpoint;
      const report = async (force: boolean) => {
        context.heartbeat({ since, checkpoint: latest } satisfies ResendHeartbeat);
        if (!force && Date.now() - lastSent < PROGRESS_EVERY_MS) return;
        lastSent = Date.now();
        const c = latest;
        if (!c) return;
        const outcomes = Object.values(c.perCall);
        const count = (o: string) => outcomes.filter((x) => x === o).length;
        await handle.signal(resendProgressSignal, {
          credentialsVersion, since,
          counts: {
            read: c.read, total: c.total, calls: outcomes.length, resent: count('resent'), alreadyDone: count('already-done'),
            skipped: count('skipped'), failed: count('failed'),
          },
        }).catch(() => undefined);
      };
      const { events: _events, ...summary } = await resendProjectEvents({
        kafka: deps.kafka(), temporal: deps.temporal, config: deps.config, projectId, topic: deps.topic, since: new Date(since),
        resumeFrom: resumed?.checkpoint,
        onCheckpoint: (checkpoint) => {
          latest = checkpoint;
          void report(false);
        },
      });
      await report(true);
      return { ...summary, since, read: latest?.read ?? 0, total: latest?.total ?? 0 };
    },
  };
}
