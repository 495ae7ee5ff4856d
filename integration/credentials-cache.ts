import type { Client } from '@temporalio/client';
import type { Logger } from '../platform/logger';
import type { BridgeConfig } from '../schemas/project-config';
import type { IntegrationState } from '../schemas/workflow-io';
import { readIntegrationState, reportIntegrationBroken } from './integration-client';
import type { SecretBox } from './secret-box';

/** The webhook a process uses for a project, as the integration workflow holds it (R7). */
export interface ProjectCredentials {
  projectId: string;
  version: number;
  status: 'active' | 'broken';
  /** Plain, in this process's memory only; undefined when it cannot be opened (wrong key). */
  webhookUrl?: string;
  brokenSince?: string;
  brokenReason?: string;
}

export interface CredentialsCache {
  /**
   * The project's credentials. `minVersion`: a call resumed with that version — a process that
   * still holds an older one asks the integration workflow again (a new version is seen at once).
   */
  current(projectId: string, minVersion?: number): Promise<ProjectCredentials>;
  /** T1: the portal refused `version`. Flips this process at once and tells the integration workflow; true when it was news here. */
  reportBroken(projectId: string, version: number, failure: { type: string; message: string }): Promise<boolean>;
}

/** While active, a process re-reads the state this often (another process may have seen the token die). */
const ACTIVE_TTL_MS = 60_000;
/** While broken, this often: a reactivation elsewhere is picked up within seconds, with no call asking. */
const BROKEN_TTL_MS = 2_000;

interface Entry {
  credentials: ProjectCredentials;
  fetchedAt: number;
}

/**
 * Every worker and HTTP process keeps the credentials per (project, version) in memory and asks
 * the integration workflow only when they may have changed — never per Bitrix24 request.
 */
export function createCredentialsCache(deps: { temporal: Client; secrets: SecretBox; config: BridgeConfig; logger: Logger }): CredentialsCache {
  const entries = new Map<string, Entry>();
  const inFlight = new Map<string, Promise<ProjectCredentials>>();

  function fromState(projectId: string, state: IntegrationState | undefined): ProjectCredentials {
    const configured = deps.config.projects.find((p) => p.id === projectId)?.bitrix24.webhookUrl;
    // Not started yet (a process ahead of the workers): the config file's webhook, as version 0.
    if (!state) return { projectId, version: 0, status: 'active', webhookUrl: configured };
    const base = { projectId, version: state.credentialsVersion, status: state.status, brokenSince: state.brokenSince, brokenReason: state.brokenReason };
    if (!state.webhook) return { ...base, webhookUrl: configured };
    try {
      return { ...base, webhookUrl: deps.secrets.open(state.webhook) };
    } catch (err) {
      deps.logger.error({ projectId, err: (err as Error).message }, 'cannot open the project\'s webhook with BRIDGE_SECRET_KEY: its calls park until it is reactivated');
      return { ...base, status: 'broken', brokenReason: (err as Error).message };
    }
  }

  async function fetch(projectId: string): Promise<ProjectCredentials> {
    let pending = inFlight.get(projectId);
    if (!pending) {
      pending = readIntegrationState(deps.temporal, projectId)
        .then((state) => {
          const credentials = fromState(projectId, state);
          entries.set(projectId, { credentials, fetchedAt: Date.now() });
          return credentials;
        })
        .finally(() => inFlight.delete(projectId));
      inFlight.set(projectId, pending);
    }
    return pending;
  }

  return {
    async current(projectId, minVersion = 0) {
      const entry = entries.get(projectId);
      if (!entry) return fetch(projectId);
      const age = Date.now() - entry.fetchedAt;
      const stale = entry.credentials.version < minVersion
        || age > (entry.credentials.status === 'broken' ? BROKEN_TTL_MS : ACTIVE_TTL_MS);
      if (!stale) return entry.credentials;
      try {
        return await fetch(projectId);
      } catch (err) {
        // Temporal unreachable for a moment: what we knew is better than failing the request.
        if (entry.credentials.version >= minVersion) return entry.credentials;
        throw err;
      }
    },

    async reportBroken(projectId, version, failure) {
      const entry = entries.get(projectId);
      const news = !entry || (entry.credentials.version === version && entry.credentials.status === 'active');
      if (entry && entry.credentials.version === version) {
        entry.credentials = { ...entry.credentials, status: 'broken', brokenSince: new Date().toISOString(), brokenReason: `${failure.type}: ${failure.message}` };
        entry.fetchedAt = Date.now();
      }
      if (news) await reportIntegrationBroken(deps.temporal, projectId, { ...failure, credentialsVersion: version });
      return news;
    },
  };
}
