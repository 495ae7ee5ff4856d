import type { CrmBindings } from '../schemas/crm-plan';
import type { BitrixClient } from './client';

/**
 * Call records and follow-up tasks (docs/decisions.md "Call record"). XML_ID carries the
 * exactly-once marker `{callId}:{key}`, so a retried activity finds the task it already made.
 */

export interface TaskInput {
  /** Unique per task across the portal (e.g. `ringostat:acme:{callId}:call-record`). */
  xmlId: string;
  title: string;
  description: string;
  responsibleId: number;
  /** completed → status 5; open → status 2 (pending). */
  status: 'completed' | 'open';
  /** ISO date-time with offset. */
  deadline?: string;
  bindings: CrmBindings;
}

const STATUS_PENDING = 2;
const STATUS_COMPLETED = 5;

interface TaskRow {
  id?: unknown;
  ID?: unknown;
  status?: unknown;
  STATUS?: unknown;
}

/** UF_CRM_TASK codes (research §6): L_ lead, D_ deal, C_ contact. */
export function crmTaskBindings(bindings: CrmBindings): string[] {
  const out: string[] = [];
  if (bindings.leadId) out.push(`L_${bindings.leadId}`);
  if (bindings.dealId) out.push(`D_${bindings.dealId}`);
  if (bindings.contactId) out.push(`C_${bindings.contactId}`);
  return out;
}

export async function createTask(client: BitrixClient, task: TaskInput): Promise<number> {
  const found = await client.call<{ tasks?: TaskRow[] } | TaskRow[]>('tasks.task.list', {
    filter: { XML_ID: task.xmlId },
    select: ['ID', 'STATUS', 'XML_ID'],
  });
  const existing = rowsOf(found)[0];
  if (existing) {
    const id = idOf(existing);
    // A retry after the add but before the completion: finish the job, not a second task.
    if (task.status === 'completed' && Number(existing.status ?? existing.STATUS) !== STATUS_COMPLETED) await complete(client, id);
    return id;
  }
  const fields: Record<string, unknown> = {
    TITLE: task.title,
    DESCRIPTION: task.description,
    RESPONSIBLE_ID: task.responsibleId,
    XML_ID: task.xmlId,
    STATUS: task.status === 'completed' ? STATUS_COMPLETED : STATUS_PENDING,
  };
  const uf = crmTaskBindings(task.bindings);
  if (uf.length) fields.UF_CRM_TASK = uf;
  if (task.deadline) fields.DEADLINE = task.deadline;
  const added = await client.call<{ task?: TaskRow }>('tasks.task.add', { fields });
  const id = idOf(added?.task ?? {});
  // Some portals ignore STATUS on creation: complete explicitly when the answer says otherwise.
  if (task.status === 'completed' && Number(added?.task?.status ?? added?.task?.STATUS) !== STATUS_COMPLETED) await complete(client, id);
  return id;
}

async function complete(client: BitrixClient, taskId: number): Promise<void> {
  await client.call('tasks.task.complete', { taskId });
}

function rowsOf(result: { tasks?: TaskRow[] } | TaskRow[] | undefined): TaskRow[] {
  if (Array.isArray(result)) return result;
  return Array.isArray(result?.tasks) ? result.tasks : [];
}

function idOf(row: TaskRow): number {
  const id = Number(row.id ?? row.ID);
  if (!Number.isInteger(id) || id <= 0) throw new TypeError('Bitrix24 returned a task without an id');
  return id;
}
