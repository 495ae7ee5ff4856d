/**
 * Reference lists: crm.category.list (pipelines, camelCase, int ids, pipeline 0 included —
 * research §5.8) and crm.status.list (lead statuses, sources, deal types and stages).
 */
import type { Handler } from './context';
import { applyFilter, applyOrder, readOrder, type Kind } from './list-query';
import { intval, isObject, pick } from './params';
import { crmError, RestError } from './rest-error';
import { statusRows } from './statuses';

const DEAL_TYPE_ID = 2;

const categoryList: Handler = (ctx, params) => {
  const entityTypeId = intval(params.entityTypeId ?? params.ENTITY_TYPE_ID);
  if (entityTypeId !== DEAL_TYPE_ID) {
    // Only deal pipelines are emulated; the code and text are the sandbox's own.
    throw new RestError(400, 'ENTITY_TYPE_NOT_SUPPORTED', `Entity type ${entityTypeId} does not support categories`);
  }
  const categories = [...ctx.portal.categories]
    .sort((a, b) => a.sort - b.sort || a.id - b.id)
    .map((c) => ({
      id: c.id,
      name: c.name,
      sort: c.sort,
      entityTypeId: DEAL_TYPE_ID,
      isDefault: c.id === 0 ? 'Y' : 'N',
      originId: '',
      originatorId: '',
    }));
  return { result: { categories }, total: categories.length };
};

const STATUS_KINDS: Record<string, Kind> = { ID: 'int', SORT: 'int', CATEGORY_ID: 'int' };
const statusKind = (field: string): Kind | undefined =>
  STATUS_KINDS[field] ?? (['ENTITY_ID', 'STATUS_ID', 'NAME', 'NAME_INIT', 'SYSTEM', 'COLOR', 'SEMANTICS'].includes(field) ? 'string' : undefined);

/** Not paged: the whole matching list, with its size as total. */
const statusList: Handler = (ctx, params) => {
  const order = pick(params, 'order') ?? {};
  const filter = pick(params, 'filter') ?? {};
  if (!isObject(order) && !Array.isArray(order)) throw crmError("Parameter 'order' must be array.");
  if (!isObject(filter) && !Array.isArray(filter)) throw crmError("Parameter 'filter' must be array.");
  const rows = statusRows(ctx.portal.categories.map((c) => c.id).sort((a, b) => a - b));
  const matched = applyFilter(rows, isObject(filter) ? filter : {}, statusKind, ctx.portal.offsetMin);
  const sorted = isObject(order) ? applyOrder(matched, readOrder(order), statusKind, ctx.portal.offsetMin) : matched;
  return { result: sorted, total: sorted.length };
};

export const directoryMethods: Record<string, Handler> = {
  'crm.category.list': categoryList,
  'crm.status.list': statusList,
};
