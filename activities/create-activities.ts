import type { Client } from '@temporalio/client';
import type { Kafka } from 'kafkajs';
import type { CredentialsCache } from '../integration/credentials-cache';
import type { SecretBox } from '../integration/secret-box';
import type { Logger } from '../platform/logger';
import type { BridgeConfig } from '../schemas/project-config';
import type { CallActivities, IntegrationActivities } from './activity-types';
import { createBitrixAccess } from './bitrix-access';
import { createCallActivities, type ContactCardSink } from './call-activities';
import { createIntegrationActivities } from './integration-activities';
import { createLegacyCallActivities } from './legacy-activities';
import type { LegacyCallActivities } from './legacy-activity-types';

export interface ActivityDeps {
  config: BridgeConfig;
  temporal: Client;
  credentials: CredentialsCache;
  secrets: SecretBox;
  kafka: () => Kafka;
  topic: string;
  logger: Logger;
  cards?: ContactCardSink;
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
