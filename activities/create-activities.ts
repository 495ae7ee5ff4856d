import type { Client } from '@temporalio/client';
import type { Kafka, Producer } from 'kafkajs';
import type { Registry } from 'prom-client';
import type { CredentialsCache } from '../integration/credentials-cache';
import type { SecretBox } from '../integration/secret-box';
import type { Logger } from '../platform/logger';
import type { BridgeConfig } from '../schemas/project-config';
import type { CallActivities, IntegrationActivities, LegacyCallActivities, RingostatActivities } from '../workflows/contract';
import { createBitrixAccess } from './bitrix-access';
import { createCallActivities, type ContactCardSink } from './call-activities';
import { createIntegrationActivities } from './integration-activities';
import { createLegacyCallActivities } from './legacy-activities';
import { createRingostatActivities } from './ringostat-activities';

export interface ActivityDeps {
  config: BridgeConfig;
  temporal: Client;
  credentials: CredentialsCache;
  secrets: SecretBox;
  kafka: () => Kafka;
  topic: string;
  /** A connected producer for the calls reconciliation recovers (B7); they go to `topic`. */
  reconcileProducer: Producer;
  /** Where the Ringostat activities' metrics go; default the process registry. */
  registry?: Registry;
  logger: Logger;
  cards?: ContactCardSink;
  /** How long a call with no new event stays open (CALL_IDLE_TIMEOUT_MS); the call workflow gets it with its settings. Unset: its 2 h. */
  callIdleTimeoutMs?: number;
  /** How long a call may stay parked (PARKED_CALL_LIMIT_MS); the call workflow gets it with its settings. Unset: its 7 days. */
  parkedCallLimitMs?: number;
  /** Creations a client-creation shard's run takes before it continues as new (CREATION_SHARD_ROTATE_AFTER). Unset: its 500. */
  creationShardRotateAfter?: number;
}

export type BridgeActivities = CallActivities & IntegrationActivities & LegacyCallActivities & RingostatActivities;

/** Every activity a bridge worker runs: the call's, the integration's, Ringostat's reconciliation, and version 1's for calls started before it. */
export function createActivities(deps: ActivityDeps): BridgeActivities {
  const withBitrix = createBitrixAccess(deps);
  const current = createCallActivities({ ...deps, withBitrix });
  const { config, temporal, topic, logger, registry } = deps;
  return {
    ...createRingostatActivities({ config, temporal, producer: deps.reconcileProducer, topic, logger, registry }),
    ...createLegacyCallActivities({ temporal: deps.temporal, withBitrix, current }),
    ...createIntegrationActivities(deps),
    ...current,
  };
}
