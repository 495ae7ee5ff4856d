import type { BitrixClient } from '../bitrix/client';
import { lookupByPhone } from '../bitrix/crm';
import { readWithRetry } from '../bitrix/read-retry';
import { classifyClient, planEntities, roundRobinApplies } from '../decisions';
import type { ResolveClientInput, ResolvedClient } from '../schemas/activity-io';
import type { ClientState, CrmBindings, CrmEntityRef, CrmLookup, EntityPlan } from '../schemas/crm-plan';
import type { ProjectConfig } from '../schemas/project-config';
import { createPlanned, fillAll } from './crm-writes';
import { entityMarker } from './markers';

export interface ResolutionDeps {
  client: BitrixClient;
  project: ProjectConfig;
  /** M for a missed call from a new client (S4.2): drawn at most once per call. */
  drawMissedAssignee(): Promise<number | undefined>;
}

export interface CallResolutionDeps extends ResolutionDeps {
  /** Runs createClient for this call in its number's client-creation workflow and returns what it decided (B2). */
  createInTurn(input: ResolveClientInput): Promise<ResolvedClient>;
}

/**
 * The client's side of a call, as the call's activity: look the number up, decide (decisions/),
 * fill empty fields. When the decision is to create something, the call does not create it
 * here: it hands itself to its number's client-creation workflow, which runs createClient for
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
 * A call's creation, in its turn in the number's client-creation workflow: looks again — a call
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
  const ours = entityMarker(input.projectId, input.callId, '').originatorId;
  const isOwn = (ref: CrmEntityRef) => ref.origin?.originatorId === ours && ref.origin.originId.startsWith(`${input.callId}:`);
  const lookup = await readWithRetry(() => lookupByPhone(client, input.e164, project.defaultCountry));
  // A retry after this call created something goes on from the state it created for, not from what appeared since.
  const state = stateBehindOwn(lookup, isOwn) ?? classifyClient(withoutOwn(lookup, isOwn), project.routing.order);
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

/**
 * The client state an earlier attempt of this call created its entities for, read back from the
 * CRM: a contact of ours means the client was new; a lead or deal of ours bound to someone else's
 * contact means the client was that contact (S3); one bound to nothing, new. Undefined: nothing of ours.
 */
function stateBehindOwn(lookup: CrmLookup, isOwn: (ref: CrmEntityRef) => boolean): ClientState | undefined {
  const ownContact = lookup.contacts.find(isOwn);
  const ownEntity = lookup.leads.find(isOwn) ?? lookup.deals.find(isOwn);
  if (!ownContact && !ownEntity) return undefined;
  const boundTo = ownContact ? undefined : lookup.contacts.find((c) => c.id === ownEntity?.contactId && !isOwn(c));
  return boundTo ? { kind: 'contact', contact: { id: boundTo.id, ownerId: boundTo.ownerId } } : { kind: 'new' };
}

/** The name of the contact behind the client (its contact, or the one its open lead or deal is bound to). */
function clientNameOf(lookup: CrmLookup, state: ClientState): { clientName?: string } {
  const contactId = state.kind === 'contact' ? state.contact.id : state.kind === 'open' ? state.contactId : undefined;
  const name = lookup.contacts.find((c) => c.id === contactId)?.name;
  return name ? { clientName: name } : {};
}

function withoutOwn(lookup: CrmLookup, isOwn: (ref: CrmEntityRef) => boolean): CrmLookup {
  return { leads: lookup.leads.filter((r) => !isOwn(r)), deals: lookup.deals.filter((r) => !isOwn(r)), contacts: lookup.contacts.filter((r) => !isOwn(r)) };
}
