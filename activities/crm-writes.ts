import type { BitrixClient } from '../bitrix/client';
import { createEntitiesOnce, createEntity, createTask, fillEmptyFields, type CrmEntityKind, type PlannedEntity } from '../bitrix/crm';
import { BitrixBadRequestError } from '../bitrix/errors';
import type { CrmBindings, CrmFields, FillEmptyPlan, NewEntitiesPlan, TaskPlan } from '../schemas/crm-plan';
import type { StepFailure } from '../schemas/workflow-io';
import { stepFailure } from './failures';
import { entityMarker, taskXmlId } from './markers';

/** The CRM writes of a call, shared by both workflow versions' activities. */

/** The planned contact, lead and deal, in that order, each at most once per call (markers, R1). */
export async function createPlanned(client: BitrixClient, projectId: string, callId: string, plan: NewEntitiesPlan): Promise<CrmBindings> {
  const owner = { ASSIGNED_BY_ID: plan.ownerId };
  const marker = (kind: CrmEntityKind) => entityMarker(projectId, callId, kind);
  const bindTo = plan.contact ? 'contact' as const : plan.bindToContactId;
  const planned: PlannedEntity[] = [];
  if (plan.contact) planned.push({ kind: 'contact', fields: { ...plan.contact.fields, ...owner }, marker: marker('contact') });
  if (plan.lead) planned.push({ kind: 'lead', fields: { ...plan.lead.fields, ...owner }, marker: marker('lead'), bindToContact: bindTo });
  if (plan.deal) planned.push({ kind: 'deal', fields: { ...plan.deal.fields, ...owner, CATEGORY_ID: plan.deal.categoryId }, marker: marker('deal'), bindToContact: bindTo });
  // A single entity goes through the auto-batching client with other calls' commands (B8); a
  // contact with its lead or deal goes as one batch of its own, so it is never seen half made.
  const single = planned.length === 1 ? planned[0] : undefined;
  const ids: Partial<Record<CrmEntityKind, number>> = single
    ? { [single.kind]: await createEntity(client, single.kind, withContact(single), single.marker) }
    : await createEntitiesOnce(client, planned);
  const made: CrmBindings = {};
  if (ids.contact !== undefined) made.contactId = ids.contact;
  if (ids.lead !== undefined) made.leadId = ids.lead;
  if (ids.deal !== undefined) made.dealId = ids.deal;
  return made;
}

function withContact(entity: PlannedEntity): CrmFields {
  return typeof entity.bindToContact === 'number' ? { ...entity.fields, CONTACT_ID: entity.bindToContact } : entity.fields;
}

/** S8 fills; a bad request fails that fill only. */
export async function fillAll(client: BitrixClient, fills: FillEmptyPlan[]): Promise<StepFailure[]> {
  const failures: StepFailure[] = [];
  for (const fill of fills) {
    try {
      await fillEmptyFields(client, fill.entity.type, fill.entity.id, fill.fields);
    } catch (err) {
      if (!(err instanceof BitrixBadRequestError)) throw err;
      failures.push(stepFailure(`fill-${fill.entity.type}-${fill.entity.id}`, err));
    }
  }
  return failures;
}

/** The call's tasks, each at most once (XML_ID); concurrently, so the auto-batching client sends them in one request. */
export async function writeTasks(client: BitrixClient, projectId: string, callId: string, tasks: TaskPlan[]): Promise<{ taskIds: Record<string, number>; failures: StepFailure[] }> {
  const taskIds: Record<string, number> = {};
  const failures: StepFailure[] = [];
  await Promise.all(tasks.map(async (task) => {
    try {
      taskIds[task.key] = await createTask(client, { ...task, xmlId: taskXmlId(projectId, callId, task.key) });
    } catch (err) {
      if (!(err instanceof BitrixBadRequestError)) throw err;
      failures.push(stepFailure(`task-${task.key}`, err));
    }
  }));
  return { taskIds, failures };
}
