/**
 * What the portal computes around a write: defaults on add (responsible = webhook user, lead
 * status NEW, deal pipeline 0 and its first stage, "Lead #5"-style titles), and the derived
 * fields the bridge relies on to tell open from closed entities: STATUS_SEMANTIC_ID,
 * STAGE_SEMANTIC_ID, CLOSED, DATE_CLOSED, plus HAS_PHONE/HAS_EMAIL and the MOVED_* stamps.
 */
import { formatDate, formatDateTime } from './clock';
import type { CrmEntity } from './crm-fields';
import { crmError } from './rest-error';
import { dealStageIds, dealStageSemantic, leadStatusSemantic } from './statuses';
import type { Portal } from './portal';
import type { Rec } from './types';

export interface RuleContext {
  portal: Portal;
  userId: number;
  now: number;
}

const DAY = 86_400_000;

function fill(record: Rec, name: string, value: unknown): void {
  if (record[name] === null || record[name] === undefined || record[name] === '') record[name] = value;
}

/** Deal pipelines must exist; the error text is the sandbox's own (no source confirms it). */
export function checkCategory(portal: Portal, categoryId: number): void {
  if (!portal.hasCategory(categoryId)) throw crmError(`Category with ID ${categoryId} is not found.`);
}

export function applyAddDefaults(entity: CrmEntity, record: Rec, ctx: RuleContext): void {
  const { portal, userId, now } = ctx;
  const stamp = formatDateTime(now, portal.offsetMin);
  const user = String(userId);
  if (record.ASSIGNED_BY_ID === '0') record.ASSIGNED_BY_ID = null;
  for (const [name, value] of Object.entries({
    ASSIGNED_BY_ID: user, CREATED_BY_ID: user, MODIFY_BY_ID: user, DATE_CREATE: stamp, DATE_MODIFY: stamp,
    OPENED: 'Y', HAS_IMOL: 'N', LAST_ACTIVITY_TIME: stamp, LAST_ACTIVITY_BY: user,
  })) {
    if (name in record) fill(record, name, value);
  }
  if (entity === 'lead') {
    fill(record, 'TITLE', `Lead #${String(record.ID)}`);
    if (!leadStatusSemantic(String(record.STATUS_ID ?? ''))) record.STATUS_ID = 'NEW';
    fill(record, 'CURRENCY_ID', 'USD');
    fill(record, 'OPPORTUNITY', '0.00');
    fill(record, 'IS_MANUAL_OPPORTUNITY', 'N');
    const linked = Number(record.COMPANY_ID ?? 0) > 0 || Number(record.CONTACT_ID ?? 0) > 0;
    record.IS_RETURN_CUSTOMER = linked ? 'Y' : 'N';
  } else if (entity === 'deal') {
    const categoryId = Number(record.CATEGORY_ID ?? 0);
    record.CATEGORY_ID = String(categoryId);
    if (!dealStageSemantic(categoryId, String(record.STAGE_ID ?? ''))) record.STAGE_ID = dealStageIds(categoryId)[0];
    fill(record, 'TITLE', `Deal #${String(record.ID)}`);
    fill(record, 'TYPE_ID', 'SALE');
    fill(record, 'CURRENCY_ID', 'USD');
    fill(record, 'OPPORTUNITY', '0.00');
    fill(record, 'IS_MANUAL_OPPORTUNITY', 'N');
    fill(record, 'TAX_VALUE', '0.00');
    fill(record, 'COMPANY_ID', '0');
    fill(record, 'BEGINDATE', formatDate(now, portal.offsetMin));
    fill(record, 'CLOSEDATE', formatDate(now + 7 * DAY, portal.offsetMin));
    for (const flag of ['IS_RECURRING', 'IS_RETURN_CUSTOMER', 'IS_REPEATED_APPROACH']) fill(record, flag, 'N');
  } else {
    fill(record, 'TYPE_ID', 'CLIENT');
    fill(record, 'EXPORT', 'Y');
  }
  if ('MOVED_TIME' in record) {
    fill(record, 'MOVED_TIME', stamp);
    fill(record, 'MOVED_BY_ID', user);
  }
}

/**
 * Status / stage moves: an unknown value keeps the previous one (or the default on add), a real
 * move stamps MOVED_*; semantics and closing fields are recomputed every time.
 */
export function applyDerived(entity: CrmEntity, record: Rec, previous: Rec | undefined, ctx: RuleContext): void {
  const stamp = formatDateTime(ctx.now, ctx.portal.offsetMin);
  if (entity === 'lead') {
    if (!leadStatusSemantic(String(record.STATUS_ID))) record.STATUS_ID = previous?.STATUS_ID ?? 'NEW';
    const semantic = leadStatusSemantic(String(record.STATUS_ID)) ?? 'P';
    record.STATUS_SEMANTIC_ID = semantic;
    if (previous && previous.STATUS_ID !== record.STATUS_ID) moved(record, ctx, stamp);
    if (semantic === 'P') record.DATE_CLOSED = null;
    else if (!previous || previous.STATUS_SEMANTIC_ID === 'P') record.DATE_CLOSED = stamp;
  }
  if (entity === 'deal') {
    const categoryId = Number(record.CATEGORY_ID);
    if (!dealStageSemantic(categoryId, String(record.STAGE_ID))) record.STAGE_ID = previous?.STAGE_ID ?? dealStageIds(categoryId)[0];
    const semantic = dealStageSemantic(categoryId, String(record.STAGE_ID)) ?? 'P';
    record.STAGE_SEMANTIC_ID = semantic;
    record.CLOSED = semantic === 'P' ? 'N' : 'Y';
    record.IS_NEW = record.STAGE_ID === dealStageIds(categoryId)[0] ? 'Y' : 'N';
    if (previous && previous.STAGE_ID !== record.STAGE_ID) moved(record, ctx, stamp);
    const contacts = Array.isArray(record.CONTACT_IDS) ? (record.CONTACT_IDS as number[]) : [];
    record.CONTACT_ID = contacts.length > 0 ? String(contacts[0]) : null;
  }
  if (entity !== 'deal') {
    record.HAS_PHONE = Array.isArray(record.PHONE) && record.PHONE.length > 0 ? 'Y' : 'N';
    record.HAS_EMAIL = Array.isArray(record.EMAIL) && record.EMAIL.length > 0 ? 'Y' : 'N';
  }
}

function moved(record: Rec, ctx: RuleContext, stamp: string): void {
  record.MOVED_TIME = stamp;
  record.MOVED_BY_ID = String(ctx.userId);
}

/** Update stamps: who and when, on every successful update. */
export function touch(record: Rec, ctx: RuleContext): void {
  record.DATE_MODIFY = formatDateTime(ctx.now, ctx.portal.offsetMin);
  record.MODIFY_BY_ID = String(ctx.userId);
}
