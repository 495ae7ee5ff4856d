import { ApplicationFailure } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { BitrixTokenInvalidError } from '../bitrix/errors';
import type { CredentialsCache } from '../integration/credentials-cache';
import type { Logger } from '../platform/logger';
import type { BridgeConfig, ProjectConfig } from '../schemas/project-config';
import { createBitrixSessions, type BitrixSession } from '../integration/bitrix-sessions';
import { toActivityFailure } from './failures';
import { queueParkingCallBehindLive } from './parking-priority';
import { FailureType } from '../workflows/contract/failure-types';

export interface BitrixAccessDeps {
  config: BridgeConfig;
  temporal: Client;
  credentials: CredentialsCache;
  logger: Logger;
}

export type WithBitrix = <T>(
  projectId: string, minVersion: number, work: (session: BitrixSession, project: ProjectConfig) => Promise<T>,
) => Promise<T>;

/** The project of the config file, or a non-retryable ProjectUnknown failure. */
export function projectLookup(config: BridgeConfig) {
  return (projectId: string): ProjectConfig => {
    const found = config.projects.find((p) => p.id === projectId);
    if (!found) throw ApplicationFailure.nonRetryable(`project "${projectId}" is not in the config`, FailureType.ProjectUnknown);
    return found;
  };
}

/**
 * Runs Bitrix24 work with the project's current credentials. The first invalid-token answer of
 * a version marks the integration broken (T1) and puts the call behind live ones
 * (activities/parking-priority.ts); every error leaves as the Temporal failure the workflow
 * reacts to (R3).
 */
export function createBitrixAccess(deps: BitrixAccessDeps): WithBitrix {
  const sessionFor = createBitrixSessions(deps);
  const project = projectLookup(deps.config);
  return async (projectId, minVersion, work) => {
    const p = project(projectId);
    let version = -1;
    try {
      const session = await sessionFor(p, minVersion);
      version = session.version;
      return await work(session, p);
    } catch (err) {
      if (err instanceof BitrixTokenInvalidError && version >= 0
        && (await deps.credentials.reportBroken(p.id, version, { type: err.name, message: err.message }))) {
        deps.logger.warn({ projectId, code: err.code, credentialsVersion: version }, 'Bitrix24 token invalid: integration marked broken, calls park');
      }
      const failure = toActivityFailure(err);
      // The call parks on this failure: from here on its work queues behind live calls.
      if (failure instanceof ApplicationFailure && failure.type === FailureType.BitrixTokenInvalid) await queueParkingCallBehindLive(deps.temporal, deps.logger);
      throw failure;
    }
  };
}
