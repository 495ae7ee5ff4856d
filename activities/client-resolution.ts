import type { BitrixClient } from '../bitrix/client';
import { lookupByPhone } from '../bitrix/crm';
import { readWithRetry } from '../bitrix/read-retry';
import { clientNameOf, clientStateForCall, planEntities, roundRobinApplies } from '../decisions';
import type { ResolveClientInput, ResolvedClient } from '../schemas/activity-io';
import type { ClientState, CrmBindings, CrmLookup, EntityPlan } from '../schemas/crm-plan';
import type { ProjectConfig } from '../schemas/project-config';
import { createPlanned, fillAll } from './crm-writes';
import { markedForCall } from './markers';

export interface ResolutionDeps {
  client: BitrixClient;
  project: ProjectConfig;
  /** M for a missed call from a new client (S4.2): drawn at most once per call. */
  drawMissedAssignee(): Promise<number | undefined>;
}

export interface CallResolutionDeps extends ResolutionDeps {
  /** Runs createClient for this call in its number's client-creation shard and returns what it decided (B2). */
  createInTurn(input: ResolveClientInput): Promise<ResolvedClient>;
}

/**
 * The client's side of a call, as the call's activity: look the number up, decide (decisions/),
 * fill empty fields. When the decision is to create something, the call does not create it
 * here: it hands itself to its number's client-creation shard, which runs createClient for
 * the calls of one number one at a time (B2). So two calls from one new number never both
 * create, and nothing the bridge made ever has to be deleted; a call that finds its client
 * (an open lead or deal) costs no more than one lookup.
 */
export async function resolveClient(deps: CallResolutionDeps, input: ResolveClientInput): Promise<ResolvedClient> {
  const { lookup, state, plan } = await decide(deps, input);
  if (plan.create) return deps.createInTurn(input);
  return finish(deps, lookup, state, plan, {});
}

/**
 * A call's creation, in its turn in the number's client-creation shard: looks again — a call
 * before it may have created the client meanwhile, and then this one creates nothing —, creates
 * what is still due and fills empty fields.
 *
 * Every attempt looks again first, so a retry after a worker died mid-creation recognises what
 * the earlier attempt created by its markers (R1): it decides as that attempt did (the client
 * was new, or the contact it bound to) and completes what it started, never a second entity.
 */
export async function createClient(deps: ResolutionDeps, input: ResolveClientInput): Promise<ResolvedClient> {
  const { lookup, state, plan: draft } = await decide(deps, input);
  const missedAssigneeId = draft.create && roundRobinApplies(deps.project, state, input.facts) ? await deps.drawMissedAssignee() : undefined;
  const plan = missedAssigneeId === undefined ? draft
    : planEntities({ facts: input.facts, client: state, project: deps.project, stage: input.stage, missedAssigneeId });
  const created = plan.create ? await createPlanned(deps.client, input.projectId, input.callId, plan.create) : {};
  return finish(deps, lookup, state, plan, created, missedAssigneeId);
}

/** The number's entities now, the client state they make for this call, and what the decision table asks for. */
async function decide(deps: ResolutionDeps, input: ResolveClientInput): Promise<{ lookup: CrmLookup; state: ClientState; plan: EntityPlan }> {
  const { client, project } = deps;
  const lookup = await readWithRetry(() => lookupByPhone(client, input.e164, project.defaultCountry));
  const state = clientStateForCall(lookup, markedForCall(input.projectId, input.callId), project.routing.order);
  return { lookup, state, plan: planEntities({ facts: input.facts, client: state, project, stage: input.stage }) };
}

async function finish(
  deps: ResolutionDeps, lookup: CrmLookup, state: ClientState, plan: EntityPlan, created: CrmBindings, missedAssigneeId?: number,
): Promise<ResolvedClient> {
  const failures = await fillAll(deps.client, plan.fillEmpty);
  return {
    client: state, created, failures,
    ...(missedAssigneeId !== undefined ? { missedAssigneeId } : {}),
    ...(plan.create ? { createdOwnerId: plan.create.ownerId } : {}),
    ...clientNameOf(lookup, state),
  };
}

