import type { Client } from '@temporalio/client';
import type { Kafka } from 'kafkajs';
import type { CredentialsCache } from '../integration/credentials-cache';
import type { SecretBox } from '../integration/secret-box';
import type { Logger } from '../platform/logger';
import type { BridgeConfig } from '../schemas/project-config';
import type { CallActivities, IntegrationActivities, LegacyCallActivities } from '../workflows/contract';
import { createBitrixAccess } from './bitrix-access';
import { createCallActivities, type ContactCardSink } from './call-activities';
import { createIntegrationActivities } from './integration-activities';
import { createLegacyCallActivities } from './legacy-activities';

export interface ActivityDeps {
  config: BridgeConfig;
  temporal: Client;
  credentials: CredentialsCache;
  secrets: SecretBox;
  kafka: () => Kafka;
  topic: string;
  logger: Logger;
  cards?: ContactCardSink;
  /** How long a call with no new event stays open (CALL_IDLE_TIMEOUT_MS); the call workflow gets it with its settings. Unset: its 2 h. */
  callIdleTimeoutMs?: number;
  /** How long a call may stay parked (PARKED_CALL_LIMIT_MS); the call workflow gets it with its settings. Unset: its 7 days. */
  parkedCallLimitMs?: number;
}

export type BridgeActivities = CallActivities & IntegrationActivities & LegacyCallActivities;

/** Every activity a bridge worker runs: the call's, the integration's, and version 1's for calls started before it. */
export function createActivities(deps: ActivityDeps): BridgeActivities {
  const withBitrix = createBitrixAccess(deps);
  const current = createCallActivities({ ...deps, withBitrix });
  return {
    ...createLegacyCallActivities({ temporal: deps.temporal, withBitrix, current }),
    ...createIntegrationActivities(deps),
    ...current,
  };
}
