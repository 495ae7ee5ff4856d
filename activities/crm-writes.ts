import type { BitrixClient } from '../bitrix/client';
import { createEntity, createTask, deleteEntity, fillEmptyFields, type CrmEntityKind } from '../bitrix/crm';
import { BitrixBadRequestError } from '../bitrix/errors';
import type { CrmBindings, FillEmptyPlan, NewEntitiesPlan, TaskPlan } from '../schemas/crm-plan';
import type { StepFailure } from '../schemas/workflow-io';
import { stepFailure } from './failures';
import { entityMarker, taskXmlId } from './markers';

/** The CRM writes of a call, shared by both workflow versions' activities. */

/** The planned contact, lead and deal, in that order, each at most once per call (markers, R1). */
export async function createPlanned(client: BitrixClient, projectId: string, callId: string, plan: NewEntitiesPlan): Promise<CrmBindings> {
  const made: CrmBindings = {};
  const marker = (kind: CrmEntityKind) => entityMarker(projectId, callId, kind);
  const owner = { ASSIGNED_BY_ID: plan.ownerId };
  if (plan.contact) made.contactId = await createEntity(client, 'contact', { ...plan.contact.fields, ...owner }, marker('contact'));
  const contactId = made.contactId ?? plan.bindToContactId;
  const contactLink = contactId ? { CONTACT_ID: contactId } : {};
  if (plan.lead) made.leadId = await createEntity(client, 'lead', { ...plan.lead.fields, ...owner, ...contactLink }, marker('lead'));
  if (plan.deal) {
    const deal = { ...plan.deal.fields, ...owner, ...contactLink, CATEGORY_ID: plan.deal.categoryId };
    made.dealId = await createEntity(client, 'deal', deal, marker('deal'));
  }
  return made;
}

/** Deal and lead before the contact they are bound to. */
export async function deleteCreated(client: BitrixClient, created: CrmBindings): Promise<void> {
  if (created.dealId) await deleteEntity(client, 'deal', created.dealId);
  if (created.leadId) await deleteEntity(client, 'lead', created.leadId);
  if (created.contactId) await deleteEntity(client, 'contact', created.contactId);
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
