import { ApplicationFailure } from '@temporalio/activity';
import type { CredentialsCache } from '../integration/credentials-cache';
import { nextRoundRobinPosition } from '../integration/integration-client';
import { callBindings, cardResponsible, missedCallAssignee, missedCallPool, planRecords, roundRobinDrawDue } from '../decisions';
import type { Client } from '@temporalio/client';
import type { Logger } from '../platform/logger';
import type { CompleteCallInput, CompletedCall, ResolveClientInput, ResolvedClient } from '../schemas/activity-io';
import type { BridgeConfig } from '../schemas/project-config';
import { FailureType, type CallActivities } from '../workflows/contract';
import { projectLookup, type WithBitrix } from './bitrix-access';
import { createInTurn } from './client-creation-gate';
import { createClient, resolveClient } from './client-resolution';
import { writeTasks } from './crm-writes';
import { heartbeatWhileSlow } from './heartbeat';

/** Where the client's card goes after the call's CRM work (B9); absent when no project uses Ringostat. */
export interface ContactCardSink {
  publish(card: {
    projectId: string; callId: string; clientE164: string;
    leadId?: number; dealId?: number; contactId?: number; responsibleUserId?: number; clientName?: string;
  }): Promise<void>;
}

/**
 * The requests a creation sends at most when nothing waits (a lookup, the contact, the lead or
 * deal, a field fill, a draw's read): a shard's local try goes ahead only with this much room
 * under the portal's rate limit, so that it does not wait there (issue 16).
 */
const QUICK_TRY_REQUESTS = 5;

/** A failed try's reason as a shard's history keeps it: enough to read, never a payload. */
const MAX_TRY_FAILURE_CHARS = 300;

/**
 * A local try (input `quickTry`) goes ahead only when the worker can send its requests now: a
 * local activity waiting for the portal's rate limit holds its workflow's task, so it declines
 * (LocalTryDeclined) and its workflow runs the same work as an activity.
 */
function declineToWait(input: { quickTry?: true; callId: string }, client: { headroom(): number }, what: string): void {
  if (!input.quickTry || client.headroom() >= QUICK_TRY_REQUESTS) return;
  throw ApplicationFailure.create({
    type: FailureType.LocalTryDeclined, nonRetryable: true,
    message: `call ${input.callId}'s ${what} would wait for the portal's rate limit: run as an activity instead`,
  });
}

export interface CallActivityDeps {
  config: BridgeConfig;
  temporal: Client;
  credentials: CredentialsCache;
  withBitrix: WithBitrix;
  logger: Logger;
  cards?: ContactCardSink;
  /** The worker's idle timeout of calls (CALL_IDLE_TIMEOUT_MS), handed to the call workflow with its settings. */
  callIdleTimeoutMs?: number;
  /** The worker's limit on a parked call (PARKED_CALL_LIMIT_MS), handed over the same way. */
  parkedCallLimitMs?: number;
  /** Handed to a client-creation shard this worker starts (CREATION_SHARD_ROTATE_AFTER). */
  creationShardRotateAfter?: number;
}

export function createCallActivities(deps: CallActivityDeps): CallActivities {
  const project = projectLookup(deps.config);

  /** M (S4.2): the rotation's next employee, drawn once per call (the update id is the call's). */
  async function drawMissedAssignee(projectId: string, callId: string): Promise<number | undefined> {
    const p = project(projectId);
    const pool = missedCallPool(p);
    if (pool.length === 0) return undefined;
    const position = await nextRoundRobinPosition(deps.temporal, projectId, pool.length, `round-robin:${callId}`);
    return missedCallAssignee(p, position);
  }

  /**
   * Looks the number up, decides, fills; hands a creation to the number's shard (B2). Says
   * `completeLocally` (the call may write its remaining tasks as a local activity) only while no
   * request of this worker waits for the portal's rate limit: a local activity waiting there would
   * hold a workflow-task slot that every project's calls need; an activity waits in an activity slot.
   */
  const resolve = (input: ResolveClientInput): Promise<ResolvedClient> => deps.withBitrix(input.projectId, input.minVersion, async ({ client }, p) => {
    const resolved = await resolveClient({
      client, project: p, drawMissedAssignee: () => drawMissedAssignee(input.projectId, input.callId), createInTurn: () => createInTurn(deps.temporal, input, deps.creationShardRotateAfter),
    }, input);
    return client.waiting() === 0 ? { ...resolved, completeLocally: true } : resolved;
  });

  /** Writes the call's tasks, then hands the client's card to Ringostat (B9). */
  async function complete(input: CompleteCallInput): Promise<CompletedCall> {
    const written = await deps.withBitrix(input.projectId, input.minVersion, ({ client }) => {
      declineToWait(input, client, 'tasks');
      return writeTasks(client, input.projectId, input.callId, input.tasks);
    });
    // B9: after the CRM work, never instead of it — a Ringostat problem must not fail the call.
    await deps.cards?.publish({
      projectId: input.projectId, callId: input.callId, clientE164: input.e164, ...input.crm,
      ...(input.responsibleUserId !== undefined ? { responsibleUserId: input.responsibleUserId } : {}),
      ...(input.clientName ? { clientName: input.clientName } : {}),
    })
      .catch((err) => deps.logger.warn({ projectId: input.projectId, err: (err as Error).message }, 'contact card not queued'));
    return written;
  }

  /**
   * resolveClient asked `andComplete`: what the call workflow would do after it (call-workflow.ts),
   * here — the draw when due, the records planned by the same decision, the tasks written. Once
   * the client is resolved, any failure of the rest leaves it to the call's own steps (its bounded
   * draw, its completeCall, each retried or parked on its own): the answer then comes without
   * `completed`, as an older worker's would. Failing the whole activity would redo the resolution
   * on every retry, and under a flaky portal each attempt would need every request to pass.
   */
  async function resolveAndComplete(input: ResolveClientInput): Promise<ResolvedClient> {
    const resolved = await resolve(input);
    try {
      const settings = project(input.projectId);
      const missedAssigneeId = roundRobinDrawDue(settings, resolved, input.facts)
        ? await drawMissedAssignee(input.projectId, input.callId) : resolved.missedAssigneeId;
      const drawn = { ...resolved, ...(missedAssigneeId !== undefined ? { missedAssigneeId } : {}) };
      const records = planRecords({ facts: input.facts, client: resolved.client, project: settings, created: resolved.created, missedAssigneeId });
      const completed = records.tasks.length === 0 ? { taskIds: {}, failures: [] } : await complete({
        projectId: input.projectId, callId: input.callId, e164: input.e164, tasks: records.tasks, minVersion: input.minVersion,
        crm: callBindings(resolved.client, resolved.created), responsibleUserId: cardResponsible(resolved), clientName: resolved.clientName,
      });
      return { ...drawn, completed };
    } catch (err) {
      deps.logger.info({ projectId: input.projectId, callId: input.callId, err: (err as Error).message }, 'draw and tasks left to the call');
      return resolved;
    }
  }

  /** One creation (B2), run by a shard: declines a quick try that would wait for the portal. */
  const createOne = (input: ResolveClientInput): Promise<ResolvedClient> => deps.withBitrix(input.projectId, input.minVersion, ({ client }, p) => {
    declineToWait(input, client, 'creation');
    return createClient({ client, project: p, drawMissedAssignee: () => drawMissedAssignee(input.projectId, input.callId) }, input);
  });

  return {
    async loadProjectSettings(projectId) {
      const { bitrix24: _secret, ingestToken: _token, ringostat: _ringostat, ...settings } = project(projectId);
      return {
        ...settings,
        ...(deps.callIdleTimeoutMs !== undefined ? { callIdleTimeoutMs: deps.callIdleTimeoutMs } : {}),
        ...(deps.parkedCallLimitMs !== undefined ? { parkedCallLimitMs: deps.parkedCallLimitMs } : {}),
      };
    },

    async credentialsStatus({ projectId }) {
      const current = await deps.credentials.current(projectId);
      return { version: current.version, status: current.status };
    },

    drawMissedAssignee: ({ projectId, callId }) => drawMissedAssignee(projectId, callId),

    resolveClient: (input) => heartbeatWhileSlow(() => (input.andComplete ? resolveAndComplete(input) : resolve(input))),

    createClient: (input) => heartbeatWhileSlow(() => createOne(input)),

    // Side by side: the shared client batches their requests (B8), so a batch costs the portal
    // about what one creation does.
    tryCreations: (inputs) => Promise.all(inputs.map((input) => createOne({ ...input, quickTry: true }).then(
      (created) => ({ created }),
      (err: unknown) => ({ failed: (err instanceof Error ? `${err.name}: ${err.message}` : String(err)).slice(0, MAX_TRY_FAILURE_CHARS) }),
    ))),

    completeCall: (input) => heartbeatWhileSlow(() => complete(input)),
  };
}
