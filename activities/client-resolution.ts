import type { BitrixClient } from '../bitrix/client';
import { lookupByPhone } from '../bitrix/crm';
import { readWithRetry } from '../bitrix/read-retry';
import { classifyClient, isOpenDeal, isOpenLead, planEntities, roundRobinApplies } from '../decisions';
import type { ResolveClientInput, ResolvedClient } from '../schemas/activity-io';
import type { ClientState, CrmBindings, CrmEntityRef, CrmLookup } from '../schemas/crm-plan';
import type { ProjectConfig } from '../schemas/project-config';
import { createPlanned, deleteCreated, fillAll } from './crm-writes';
import { entityMarker } from './markers';

/** Deleting our duplicate and looking again converges in one round; more means something else is writing. */
const MAX_ROUNDS = 3;
const SETTLE_MS = 500;
/**
 * How long a call waits for another call's contact to get its lead or deal before deciding
 * anyway: long enough for that call's own retries, or its move to another worker after a crash.
 */
const CONSTRUCTION_WAIT_MS = 60_000;
/** Only a contact this fresh can still be waiting for its lead or deal (an older one never got one). */
const CONSTRUCTION_AGE_MS = 5 * 60_000;

export interface ResolutionDeps {
  client: BitrixClient;
  project: ProjectConfig;
  /** M for a missed call from a new client (S4.2): drawn at most once per call. */
  drawMissedAssignee(): Promise<number | undefined>;
}

/**
 * The client's side of a call in one activity: look the number up, decide (decisions/), create
 * what is due, fill empty fields.
 *
 * B2 without a lock: two calls from one new number may both find nothing and both create. After
 * creating, the call looks again; when the same kind of entity now exists with a lower id that
 * it did not see before, the other call was first — it deletes its own and decides again, now as
 * a call from an existing client. Both calls apply the same rule (lowest id wins), so exactly one
 * keeps its entities. This costs one lookup more for new clients and nothing for the rest, where
 * a per-number lock cost a workflow and three round trips for every call.
 *
 * A retried attempt recognises what this call created before by its marker (R1): it decides as
 * the first attempt did, completes what that one started, and checks the race again.
 */
export async function resolveClient(deps: ResolutionDeps, input: ResolveClientInput): Promise<ResolvedClient> {
  const { client, project } = deps;
  const ours = entityMarker(input.projectId, input.callId, '').originatorId;
  const isOwn = (ref: CrmEntityRef) => ref.origin?.originatorId === ours && ref.origin.originId.startsWith(`${input.callId}:`);
  let missedAssigneeId: number | undefined;

  for (let round = 1; ; round++) {
    const lookup = await settledLookup(deps, input, isOwn);
    // A retry after this call created something goes on from the state it created for, not from what appeared since.
    const state = stateBehindOwn(lookup, isOwn) ?? classifyClient(withoutRaceLosers(withoutOwn(lookup, isOwn), ours), project.routing.order);
    const draft = planEntities({ facts: input.facts, client: state, project, stage: input.stage });
    if (draft.create && roundRobinApplies(project, state, input.facts)) missedAssigneeId ??= await deps.drawMissedAssignee();
    const plan = missedAssigneeId === undefined ? draft
      : planEntities({ facts: input.facts, client: state, project, stage: input.stage, missedAssigneeId });

    const created = plan.create ? await createPlanned(client, input.projectId, input.callId, plan.create) : {};
    if (plan.create && round < MAX_ROUNDS && (await lostTheRace(client, input, project, created, isOwn))) {
      await deleteCreated(client, created);
      // Let the first call finish its own creates (contact, then lead) before deciding again.
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
      continue;
    }
    const failures = await fillAll(client, plan.fillEmpty);
    return {
      client: state, created, failures,
      ...(missedAssigneeId !== undefined ? { missedAssigneeId } : {}),
      ...(plan.create ? { createdOwnerId: plan.create.ownerId } : {}),
      ...clientNameOf(lookup, state),
    };
  }
}

/**
 * The lookup to decide on. In lead+contact and deal+contact projects another call creates the
 * contact first and its lead or deal a moment later; a call that looked in between would take
 * the client for a known contact and give it a second lead (S3). So while a contact the bridge
 * made for another call has no lead or deal of that call yet, look again shortly.
 */
async function settledLookup(deps: ResolutionDeps, input: ResolveClientInput, isOwn: (ref: CrmEntityRef) => boolean): Promise<CrmLookup> {
  const { client, project } = deps;
  const deadline = Date.now() + CONSTRUCTION_WAIT_MS;
  for (;;) {
    const lookup = await readWithRetry(() => lookupByPhone(client, input.e164, project.defaultCountry));
    if (project.scenario.entities !== 'lead+contact' && project.scenario.entities !== 'deal+contact') return lookup;
    const originator = entityMarker(input.projectId, input.callId, '').originatorId;
    const callOf = (ref: CrmEntityRef) => (ref.origin?.originatorId === originator ? ref.origin.originId.slice(0, ref.origin.originId.lastIndexOf(':')) : undefined);
    const fresh = (c: CrmEntityRef) => Date.now() - Date.parse(c.createdAt) < CONSTRUCTION_AGE_MS;
    // Only the lowest-id contact the bridge made can be under construction: any higher one lost
    // the race (B2) and its call is deleting it, lead or deal first. Waiting for one of those
    // would wait for something that never comes — and two losers stuck between their two
    // deletes would each wait for the other on every retry.
    const first = lookup.contacts.filter((c) => callOf(c) !== undefined).sort((a, b) => a.id - b.id)[0];
    const building = first !== undefined && !isOwn(first) && fresh(first)
      && ![...lookup.leads, ...lookup.deals].some((e) => callOf(e) === callOf(first));
    if (!building || Date.now() > deadline) return lookup;
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  }
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

/**
 * Of several open entities of one kind that the bridge created for one number, all but the lowest
 * id lost a race (B2) and are about to be deleted by their own calls: a third call must not pick
 * one of them as the client's entity in the meantime.
 */
function withoutRaceLosers(lookup: CrmLookup, originatorId: string): CrmLookup {
  const losers = (refs: CrmEntityRef[], open: (ref: CrmEntityRef) => boolean) => {
    const ours = refs.filter((r) => r.origin?.originatorId === originatorId && open(r)).sort((a, b) => a.id - b.id);
    return new Set(ours.slice(1).map((r) => r.id));
  };
  const keep = (refs: CrmEntityRef[], open: (ref: CrmEntityRef) => boolean) => {
    const out = losers(refs, open);
    return refs.filter((r) => !out.has(r.id));
  };
  return { leads: keep(lookup.leads, isOpenLead), deals: keep(lookup.deals, isOpenDeal), contacts: keep(lookup.contacts, () => true) };
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


/**
 * B2: another call created, for this number, the kind of entity we created first (the contact
 * when there is one) — an open one with a lower id than ours. The client was new when we looked,
 * so any such entity appeared meanwhile; ids only grow, so every attempt of this call that
 * checks after our create sees it and decides the same, and of several calls exactly one — the
 * lowest id — keeps its entities. One kind only: comparing several could make each call lose
 * on a different kind.
 */
async function lostTheRace(client: BitrixClient, input: ResolveClientInput, project: ProjectConfig, created: CrmBindings, isOwn: (ref: CrmEntityRef) => boolean): Promise<boolean> {
  const after = await readWithRetry(() => lookupByPhone(client, input.e164, project.defaultCountry));
  const [refs, ours] = created.contactId !== undefined ? [after.contacts, created.contactId]
    : created.leadId !== undefined ? [after.leads.filter(isOpenLead), created.leadId]
      : [after.deals.filter(isOpenDeal), created.dealId];
  return ours !== undefined && refs.some((r) => r.id < ours && !isOwn(r));
}


