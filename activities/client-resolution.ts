import type { BitrixClient } from '../bitrix/client';
import { lookupByPhone } from '../bitrix/crm';
import { classifyClient, planEntities, roundRobinApplies } from '../decisions';
import type { ResolveClientInput, ResolvedClient } from '../schemas/activity-io';
import type { CrmBindings, CrmEntityRef, CrmLookup } from '../schemas/crm-plan';
import type { ProjectConfig } from '../schemas/project-config';
import { createPlanned, deleteCreated, fillAll } from './crm-writes';
import { entityMarker } from './markers';

/** Deleting our duplicate and looking again converges in one round; more means something else is writing. */
const MAX_ROUNDS = 3;
const SETTLE_MS = 500;

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
 * A retried attempt recognises what this call created before by its marker (R1) and treats it
 * as its own, not as a client that was already there.
 */
export async function resolveClient(deps: ResolutionDeps, input: ResolveClientInput): Promise<ResolvedClient> {
  const { client, project } = deps;
  const ours = entityMarker(input.projectId, input.callId, '').originatorId;
  const isOwn = (ref: CrmEntityRef) => ref.origin?.originatorId === ours && ref.origin.originId.startsWith(`${input.callId}:`);
  let missedAssigneeId: number | undefined;

  for (let round = 1; ; round++) {
    const lookup = await lookupByPhone(client, input.e164, project.defaultCountry);
    const theirs = withoutOwn(lookup, isOwn);
    const state = classifyClient(theirs, project.routing.order);
    const draft = planEntities({ facts: input.facts, client: state, project, stage: input.stage });
    if (draft.create && roundRobinApplies(project, state, input.facts)) missedAssigneeId ??= await deps.drawMissedAssignee();
    const plan = missedAssigneeId === undefined ? draft
      : planEntities({ facts: input.facts, client: state, project, stage: input.stage, missedAssigneeId });

    const created = plan.create ? await createPlanned(client, input.projectId, input.callId, plan.create) : {};
    if (plan.create && round < MAX_ROUNDS && (await lostTheRace(client, input, project, created, theirs))) {
      await deleteCreated(client, created);
      // Let the first call finish its own creates (contact, then lead) before deciding again.
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
      continue;
    }
    const failures = await fillAll(client, plan.fillEmpty);
    return { client: state, created, failures, ...(missedAssigneeId !== undefined ? { missedAssigneeId } : {}) };
  }
}

function withoutOwn(lookup: CrmLookup, isOwn: (ref: CrmEntityRef) => boolean): CrmLookup {
  return { leads: lookup.leads.filter((r) => !isOwn(r)), deals: lookup.deals.filter((r) => !isOwn(r)), contacts: lookup.contacts.filter((r) => !isOwn(r)) };
}


/**
 * B2: another call created, for this number, the kind of entity we created first (the contact
 * when there is one) with a lower id we had not seen. One kind only: comparing several could
 * make each call lose on a different kind.
 */
async function lostTheRace(client: BitrixClient, input: ResolveClientInput, project: ProjectConfig, created: CrmBindings, seen: CrmLookup): Promise<boolean> {
  const after = await lookupByPhone(client, input.e164, project.defaultCountry);
  const [refs, before, ours] = created.contactId !== undefined ? [after.contacts, seen.contacts, created.contactId]
    : created.leadId !== undefined ? [after.leads, seen.leads, created.leadId]
      : [after.deals, seen.deals, created.dealId];
  return ours !== undefined && refs.some((r) => r.id < ours && !before.some((b) => b.id === r.id));
}


