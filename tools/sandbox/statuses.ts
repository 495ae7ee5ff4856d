/**
 * The reference lists of a fresh portal (crm.status.list): lead statuses, sources, deal types,
 * contact types and the stages of every deal pipeline. Semantics drive STATUS_SEMANTIC_ID,
 * STAGE_SEMANTIC_ID and CLOSED, which the bridge reads to tell open leads/deals from closed ones.
 */
import type { Rec } from './types';

export type Semantic = 'P' | 'S' | 'F';

interface Entry {
  id: string;
  name: string;
  semantic?: Semantic;
  color?: string;
}

const LEAD_STATUSES: Entry[] = [
  { id: 'NEW', name: 'Unassigned', color: '#39A8EF' },
  { id: 'IN_PROCESS', name: 'In progress', color: '#2FC6F6' },
  { id: 'PROCESSED', name: 'Processed', color: '#55D0E0' },
  { id: 'JUNK', name: 'Junk lead', semantic: 'F', color: '#FF5752' },
  { id: 'CONVERTED', name: 'Good lead', semantic: 'S', color: '#7BD500' },
];

const SOURCES: Entry[] = [
  ['CALL', 'Call'], ['EMAIL', 'E-Mail'], ['WEB', 'Website'], ['ADVERTISING', 'Advertising'],
  ['PARTNER', 'Existing client'], ['RECOMMENDATION', 'By recommendation'], ['TRADE_SHOW', 'Show/Exhibition'],
  ['WEBFORM', 'CRM form'], ['CALLBACK', 'Callback'], ['RC_GENERATOR', 'Sales boost'], ['STORE', 'Online store'],
  ['OTHER', 'Other'],
].map(([id, name]) => ({ id: id as string, name: name as string }));

const DEAL_TYPES: Entry[] = [
  ['SALE', 'Sales'], ['COMPLEX', 'Complex sale'], ['GOODS', 'Merchandise sale'],
  ['SERVICES', 'Service sale'], ['SERVICE', 'After-sale service'],
].map(([id, name]) => ({ id: id as string, name: name as string }));

const CONTACT_TYPES: Entry[] = [
  ['CLIENT', 'Clients'], ['SUPPLIER', 'Suppliers'], ['PARTNER', 'Partners'], ['OTHER', 'Other'],
].map(([id, name]) => ({ id: id as string, name: name as string }));

const DEAL_STAGES: Entry[] = [
  { id: 'NEW', name: 'New', color: '#39A8EF' },
  { id: 'PREPARATION', name: 'Document preparation', color: '#2FC6F6' },
  { id: 'PREPAYMENT_INVOICE', name: 'Invoice', color: '#55D0E0' },
  { id: 'EXECUTING', name: 'In progress', color: '#47E4C2' },
  { id: 'FINAL_INVOICE', name: 'Final invoice', color: '#FFA900' },
  { id: 'WON', name: 'Deal won', semantic: 'S', color: '#7BD500' },
  { id: 'LOSE', name: 'Deal lost', semantic: 'F', color: '#FF5752' },
  { id: 'APOLOGY', name: 'Analyze failure', semantic: 'F', color: '#FF5752' },
];

export function stagePrefix(categoryId: number): string {
  return categoryId === 0 ? '' : `C${categoryId}:`;
}

export function dealStageIds(categoryId: number): string[] {
  return DEAL_STAGES.map((stage) => `${stagePrefix(categoryId)}${stage.id}`);
}

export function leadStatusSemantic(statusId: string): Semantic | undefined {
  const entry = LEAD_STATUSES.find((status) => status.id === statusId);
  return entry ? (entry.semantic ?? 'P') : undefined;
}

export function dealStageSemantic(categoryId: number, stageId: string): Semantic | undefined {
  const prefix = stagePrefix(categoryId);
  if (!stageId.startsWith(prefix)) return undefined;
  const entry = DEAL_STAGES.find((stage) => stage.id === stageId.slice(prefix.length));
  return entry ? (entry.semantic ?? 'P') : undefined;
}

export const isKnownSource = (id: string): boolean => SOURCES.some((source) => source.id === id);

const EXTRA_SEMANTICS: Record<Semantic, string> = { P: 'process', S: 'success', F: 'failure' };

/** Rows in crm.status.list shape; `categories` are the portal's deal pipelines (0 included). */
export function statusRows(categories: number[]): Rec[] {
  const rows: Rec[] = [];
  const push = (entityId: string, entries: Entry[], categoryId: number | null, withExtra: boolean, prefix = ''): void => {
    entries.forEach((entry, index) => {
      const row: Rec = {
        ID: String(rows.length + 1),
        ENTITY_ID: entityId,
        STATUS_ID: `${prefix}${entry.id}`,
        NAME: entry.name,
        NAME_INIT: entry.name,
        SORT: String((index + 1) * 10),
        SYSTEM: 'Y',
        CATEGORY_ID: categoryId === null ? null : String(categoryId),
        COLOR: entry.color ?? null,
        SEMANTICS: entry.semantic ?? null,
      };
      if (withExtra) row.EXTRA = { SEMANTICS: EXTRA_SEMANTICS[entry.semantic ?? 'P'], COLOR: entry.color ?? null };
      rows.push(row);
    });
  };
  push('STATUS', LEAD_STATUSES, null, true);
  push('SOURCE', SOURCES, null, false);
  push('DEAL_TYPE', DEAL_TYPES, null, false);
  push('CONTACT_TYPE', CONTACT_TYPES, null, false);
  for (const categoryId of categories) {
    const entityId = categoryId === 0 ? 'DEAL_STAGE' : `DEAL_STAGE_${categoryId}`;
    push(entityId, DEAL_STAGES, categoryId === 0 ? null : categoryId, true, stagePrefix(categoryId));
  }
  return rows;
}
