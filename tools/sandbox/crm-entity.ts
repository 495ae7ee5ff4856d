/**
 * crm.{lead,contact,deal}.{add,get,list,update,delete}: the legacy CRM methods (research §5.1).
 * add → integer id, get → object of strings, update → true; failures are HTTP 400 with an
 * empty `error` and CCrmRestProxyBase's texts.
 */
import type { CallContext, Handler } from './context';
import { fieldKind, MULTIFIELD_TYPES, type CrmEntity } from './crm-fields';
import { applyAddDefaults, applyDerived, checkCategory, touch, type RuleContext } from './crm-rules';
import { blankRecord, externalize, internalize, type WriteMode } from './crm-values';
import { applyFilter, applyOrder, paginate, readOrder } from './list-query';
import { applyMultifield, type MultiItem, type MultiType } from './multifield';
import { asList, intval, isObject, isTruthyFlag, pick, positiveId, readStart, type Params } from './params';
import type { Portal } from './portal';
import { crmError } from './rest-error';
import type { Rec } from './types';

function readFields(params: Params): Params {
  const fields = pick(params, 'fields');
  if (fields === undefined || (Array.isArray(fields) && fields.length === 0)) return {};
  if (!isObject(fields)) throw crmError("Parameter 'fields' must be array.");
  return fields;
}

function entityId(params: Params): number {
  const id = positiveId(params.ID ?? params.id);
  if (id === 0) throw crmError('ID is not defined or invalid.');
  return id;
}

function applyMulti(portal: Portal, record: Rec, multi: Partial<Record<MultiType, unknown>>): void {
  for (const type of MULTIFIELD_TYPES) {
    if (multi[type] === undefined) continue;
    const current = Array.isArray(record[type]) ? (record[type] as MultiItem[]) : [];
    const next = applyMultifield(type, current, multi[type], () => portal.nextId('multifield'));
    if (next.length > 0) record[type] = next;
    else delete record[type]; // get prints a multifield key only when the entity has values
  }
}

/** Deal ↔ contact bindings: CONTACT_IDS replaces them, the deprecated CONTACT_ID sets the primary. */
function applyDealContacts(record: Rec, fields: Params): void {
  let ids = Array.isArray(record.CONTACT_IDS) ? [...(record.CONTACT_IDS as number[])] : [];
  if (fields.CONTACT_IDS !== undefined) {
    ids = (asList(fields.CONTACT_IDS) ?? [fields.CONTACT_IDS]).map(intval).filter((id) => id > 0);
  } else if (fields.CONTACT_ID !== undefined) {
    const primary = intval(fields.CONTACT_ID);
    ids = primary > 0 ? [primary, ...ids.filter((id) => id !== primary)] : [];
  }
  record.CONTACT_IDS = [...new Set(ids)];
}

/** Shared by crm.*.add and admin seed(): seed writes any field, "as if typed in by hand". */
export function createRecord(entity: CrmEntity, ctx: RuleContext, fields: Params, mode: WriteMode): number {
  const { portal } = ctx;
  const { scalars, multi } = internalize(entity, fields, mode, portal.offsetMin);
  if (entity === 'deal') checkCategory(portal, intval(scalars.CATEGORY_ID ?? 0));
  const requested = mode === 'seed' ? positiveId(fields.ID) : 0;
  const id = requested > 0 && !portal.records[entity].has(requested) ? requested : portal.nextId(entity);
  portal.bumpId(entity, id);
  const record: Rec = { ...blankRecord(entity), ...scalars, ID: String(id) };
  applyAddDefaults(entity, record, ctx);
  if (entity === 'deal') applyDealContacts(record, fields);
  applyMulti(portal, record, multi);
  applyDerived(entity, record, undefined, ctx);
  portal.records[entity].set(id, record);
  portal.reindex(entity, record);
  if (mode !== 'seed') portal.createdEver[entity] += 1;
  return id;
}

const ruleContext = (ctx: CallContext): RuleContext => ({ portal: ctx.portal, userId: ctx.userId, now: ctx.now });

function add(entity: CrmEntity): Handler {
  return (ctx, params) => {
    const fields = readFields(params);
    const options = pick(params, 'params');
    const mode: WriteMode = isObject(options) && isTruthyFlag(options.IMPORT) ? 'import' : 'add';
    return { result: createRecord(entity, ruleContext(ctx), fields, mode) };
  };
}

function get(entity: CrmEntity): Handler {
  return (ctx, params) => {
    const record = ctx.portal.records[entity].get(entityId(params));
    if (!record) throw crmError('Not found');
    return { result: externalize(entity, record, 'all') };
  };
}

function update(entity: CrmEntity): Handler {
  return (ctx, params) => {
    const id = entityId(params);
    const fields = readFields(params);
    const previous = ctx.portal.records[entity].get(id);
    if (!previous) throw crmError(entity === 'contact' ? 'Contact is not found' : 'Not found');
    const { scalars, multi } = internalize(entity, fields, 'update', ctx.portal.offsetMin);
    const record: Rec = { ...structuredClone(previous), ...scalars };
    if (entity === 'deal') applyDealContacts(record, fields);
    applyMulti(ctx.portal, record, multi);
    touch(record, ruleContext(ctx));
    applyDerived(entity, record, previous, ruleContext(ctx));
    ctx.portal.records[entity].set(id, record);
    ctx.portal.reindex(entity, record);
    return { result: true };
  };
}

/** Removes the entity and its phone/e-mail index entries; unknown id → "Not found", as Bitrix24 answers. */
function remove(entity: CrmEntity): Handler {
  return (ctx, params) => {
    const id = entityId(params);
    const record = ctx.portal.records[entity].get(id);
    if (!record) throw crmError('Not found');
    ctx.portal.records[entity].delete(id);
    ctx.portal.unindex(entity, record);
    return { result: true };
  };
}

/** select: empty or `*` = all plain fields, `UF_*` = all user fields, PHONE/EMAIL only by name. */
function project(entity: CrmEntity, record: Rec, select: string[]): Rec {
  const multi = select.filter((name) => (MULTIFIELD_TYPES as readonly string[]).includes(name));
  const full = externalize(entity, record, multi);
  const all = select.length === 0 || select.includes('*');
  const allUf = select.includes('UF_*');
  const out: Rec = {};
  for (const [name, value] of Object.entries(full)) {
    const isUf = name.startsWith('UF_');
    const wanted = name === 'ID' || select.includes(name) || (isUf ? allUf : all && !multi.includes(name));
    if (wanted) out[name] = value;
  }
  return out;
}

function list(entity: CrmEntity): Handler {
  return (ctx, params) => {
    const order = pick(params, 'order') ?? {};
    if (!isObject(order) && !(Array.isArray(order) && order.length === 0)) throw crmError("Parameter 'order' must be array.");
    const filter = pick(params, 'filter') ?? {};
    if (!isObject(filter) && !(Array.isArray(filter) && filter.length === 0)) throw crmError("Parameter 'filter' must be array.");
    const select = (asList(pick(params, 'select')) ?? []).map((name) => String(name).toUpperCase());
    const kindOf = (field: string) => fieldKind(entity, field);
    const offset = ctx.portal.offsetMin;
    const matched = applyFilter([...ctx.portal.records[entity].values()], isObject(filter) ? filter : {}, kindOf, offset);
    const sorted = applyOrder(matched, isObject(order) ? readOrder(order) : [], kindOf, offset);
    const { page, total, next } = paginate(sorted, readStart(params));
    return { result: page.map((record) => project(entity, record, select)), total, next };
  };
}

export function crmEntityMethods(): Record<string, Handler> {
  const methods: Record<string, Handler> = {};
  for (const entity of ['lead', 'contact', 'deal'] as const) {
    methods[`crm.${entity}.add`] = add(entity);
    methods[`crm.${entity}.get`] = get(entity);
    methods[`crm.${entity}.list`] = list(entity);
    methods[`crm.${entity}.update`] = update(entity);
    methods[`crm.${entity}.delete`] = remove(entity);
  }
  return methods;
}
