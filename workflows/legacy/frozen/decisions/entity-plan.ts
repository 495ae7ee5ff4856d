// FROZEN COPY for version 1 (workflows/legacy/): copied from decisions/entity-plan.ts at commit 41a79f2 (issue 16),
// when version 1 was frozen. Version-1 workflows still running replay on this code and act on what it
// decides, so it never changes, and it deliberately duplicates live code: do not "dedupe" it back
// onto decisions/entity-plan.ts (an edit there would change what version-1 calls do). See docs/upgrades.md.
import type { CallFacts, ClientState, CrmBindings, EntityPlan, FillEmptyPlan, NewEntitiesPlan } from '../../../../schemas/crm-plan';
import type { EntityKind, Scenario } from '../../../../schemas/project-config';
import { fillEmptyFields, newEntityFields } from './entity-fields';
import type { CallStage } from './facts-from-events';
import { findEmployee } from './line-binding';
import { skipReason } from './skip-rules';
import type { DecisionProject } from './types';

export interface EntityPlanInput {
  facts: CallFacts;
  client: ClientState;
  project: DecisionProject;
  /** The stage whose event the workflow is handling now. */
  stage: CallStage;
  /** M for a missed / voicemail call from a new client (round robin); the senior manager when absent. */
  missedAssigneeId?: number;
  /** Entities an earlier stage of this call already created: nothing is created twice. */
  created?: CrmBindings;
}

/**
 * docs/decisions.md "When things are created": whether a stage is the call's moment for its entity
 * work. `ended` always is, so a call whose earlier events never came is still handled.
 */
export function creationDueAt(stage: CallStage, scenario: Pick<Scenario, 'createOn'>, direction: CallFacts['direction']): boolean {
  if (stage === 'ended') return true;
  if (direction === 'outgoing') return false;
  if (stage === 'ringing') return scenario.createOn === 'ringing';
  return scenario.createOn !== 'completion';
}

/** A lead or deal is never created for a contact when the scenario says so (S3.3). */
export function noLeadForContact(scenario: Scenario): boolean {
  return scenario.leadOnlyIfNoContact || scenario.entities === 'contact';
}

/** What the call is known to be at this stage: unknown while ringing. */
function outcomeAt(stage: CallStage, facts: CallFacts): 'unknown' | 'answered' | 'missed' {
  if (stage === 'ringing') return 'unknown';
  if (stage === 'answered') return 'answered';
  return facts.disposition === 'answered' ? 'answered' : 'missed';
}

function build(kinds: { contact: boolean; lead: boolean; deal: boolean }, input: EntityPlanInput, ownerId: number): NewEntitiesPlan {
  const { facts, project } = input;
  const fields = (kind: EntityKind) => newEntityFields(kind, facts, project, ownerId);
  const plan: NewEntitiesPlan = { ownerId };
  if (kinds.contact) plan.contact = { fields: fields('contact') };
  if (kinds.lead) plan.lead = { fields: fields('lead') };
  if (kinds.deal) {
    const dealFields = fields('deal');
    plan.deal = { fields: dealFields, categoryId: dealFields.CATEGORY_ID as number };
  }
  return plan;
}

/**
 * Owner of a new entity: M when it is created for a call already known missed (S4.2, S6.1);
 * S when created under `createOn: ringing` — for distribution, not reassigned (M4 a); otherwise
 * `answeredOwner`, the table's choice for an answered call.
 */
function ownerOf(input: EntityPlanInput, known: 'unknown' | 'answered' | 'missed', answeredOwner: number): number {
  const { project } = input;
  if (known === 'missed') return input.missedAssigneeId ?? project.seniorManager;
  if (project.scenario.createOn === 'ringing') return project.seniorManager;
  return answeredOwner;
}

function forNewClient(input: EntityPlanInput, known: 'unknown' | 'answered' | 'missed'): NewEntitiesPlan {
  const { entities } = input.project.scenario;
  const answerer = findEmployee(input.project, input.facts.employee);
  const owner = ownerOf(input, known, answerer?.bitrix24UserId ?? input.project.seniorManager);
  return build({
    contact: entities !== 'lead',
    lead: entities === 'lead' || entities === 'lead+contact',
    deal: entities === 'deal+contact',
  }, input, owner);
}

/** S3.1–S3.3: a client known only as a contact gets a lead (or a deal) bound to it, when answered. */
function forContactClient(input: EntityPlanInput, known: 'unknown' | 'answered' | 'missed', contact: { id: number; ownerId: number }): NewEntitiesPlan | undefined {
  const { scenario } = input.project;
  if (noLeadForContact(scenario) || known === 'missed') return undefined;
  const answerer = findEmployee(input.project, input.facts.employee);
  // E when bound (whether or not E = R), R when the line is unbound.
  const owner = ownerOf(input, known, answerer?.bitrix24UserId ?? contact.ownerId);
  const deal = scenario.entities === 'deal+contact';
  return { ...build({ contact: false, lead: !deal, deal }, input, owner), bindToContactId: contact.id };
}

/** S8: the existing entity the call writes to gets its empty UTM and mapped custom fields filled. */
function fillExisting(client: ClientState, facts: CallFacts, project: DecisionProject): FillEmptyPlan[] {
  const entity = client.kind === 'open' ? { type: client.entity.type, id: client.entity.id }
    : client.kind === 'contact' ? { type: 'contact' as const, id: client.contact.id } : undefined;
  if (!entity) return [];
  const fields = fillEmptyFields(entity.type, facts, project);
  return Object.keys(fields).length > 0 ? [{ entity, fields }] : [];
}

/**
 * The entity work of a call (docs/decisions.md tables): what to create, owned by whom, and which
 * existing entity gets its empty fields filled. Returns an empty plan at a stage that is not the
 * call's creation moment, so calling it at every stage never writes twice.
 */
export function planEntities(input: EntityPlanInput): EntityPlan {
  const { facts, client, project, stage } = input;
  const skip = skipReason(facts);
  if (skip) return { skip, fillEmpty: [] };
  if (facts.direction === 'outgoing' && client.kind === 'new') return { skip: 'outgoing-new', fillEmpty: [] }; // S5.2
  if (!creationDueAt(stage, project.scenario, facts.direction)) return { fillEmpty: [] };
  const fillEmpty = fillExisting(client, facts, project);
  const created = input.created ?? {};
  if (facts.direction === 'outgoing' || created.leadId || created.dealId || created.contactId) return { fillEmpty };
  const known = outcomeAt(stage, facts);
  const create = client.kind === 'new' ? forNewClient(input, known)
    : client.kind === 'contact' ? forContactClient(input, known, client.contact) : undefined;
  return create ? { create, fillEmpty } : { fillEmpty };
}
