/**
 * user.get and profile (research §7). Note the types: ID is a string but ACTIVE a boolean,
 * UF_DEPARTMENT an int array, UF_PHONE_INNER (the extension) a string.
 */
import { formatDateTime } from './clock';
import type { Handler } from './context';
import { applyFilter, applyOrder, paginate, type Kind } from './list-query';
import { isObject, pick, readStart, type Params } from './params';
import type { Portal, PortalUser } from './portal';
import type { Rec } from './types';

export function userRecord(portal: Portal, user: PortalUser): Rec {
  return {
    ID: String(user.id),
    XML_ID: null,
    ACTIVE: user.active,
    NAME: user.name,
    LAST_NAME: user.lastName ?? '',
    SECOND_NAME: '',
    EMAIL: user.email ?? null,
    LAST_LOGIN: null,
    DATE_REGISTER: formatDateTime(user.registeredAt, portal.offsetMin),
    IS_ONLINE: 'N',
    TIME_ZONE: '',
    TIME_ZONE_OFFSET: '0',
    PERSONAL_GENDER: '',
    PERSONAL_MOBILE: '',
    WORK_PHONE: '',
    WORK_POSITION: '',
    UF_DEPARTMENT: [1],
    UF_PHONE_INNER: user.extension ?? null,
    USER_TYPE: 'employee',
  };
}

const USER_KINDS: Record<string, Kind> = {
  ID: 'int', ACTIVE: 'bool', NAME: 'string', LAST_NAME: 'string', SECOND_NAME: 'string', EMAIL: 'string',
  UF_PHONE_INNER: 'string', USER_TYPE: 'string', UF_DEPARTMENT: 'list', XML_ID: 'string', WORK_POSITION: 'string',
};
const userKind = (field: string): Kind | undefined => USER_KINDS[field];

const NON_FILTER_PARAMS = new Set(['sort', 'SORT', 'order', 'ORDER', 'start', 'START', 'select', 'SELECT', 'ADMIN_MODE', 'auth']);

/** FILTER may come as `FILTER`/`filter`, or (older callers) as plain top-level keys. */
function readFilter(params: Params): Params {
  const filter = pick(params, 'filter');
  if (isObject(filter)) return filter;
  return Object.fromEntries(Object.entries(params).filter(([key]) => !NON_FILTER_PARAMS.has(key)));
}

const userGet: Handler = (ctx, params) => {
  const portal = ctx.portal;
  let filter = readFilter(params);
  const search = filter.NAME_SEARCH ?? filter.FIND;
  const records = [...portal.users.values()].map((user) => userRecord(portal, user)).filter((record) => {
    if (typeof search !== 'string' || search === '') return true;
    const text = `${String(record.NAME)} ${String(record.LAST_NAME)} ${String(record.EMAIL ?? '')}`.toLowerCase();
    return text.includes(search.toLowerCase());
  });
  filter = Object.fromEntries(Object.entries(filter).filter(([key]) => key !== 'NAME_SEARCH' && key !== 'FIND'));
  const matched = applyFilter(records, filter, userKind, portal.offsetMin);
  const sortField = String(params.sort ?? params.SORT ?? 'ID').toUpperCase();
  const direction = String(params.order ?? params.ORDER ?? 'ASC').toUpperCase() === 'DESC' ? 'DESC' : 'ASC';
  const sorted = applyOrder(matched, [[sortField, direction]], userKind, portal.offsetMin);
  const { page, total, next } = paginate(sorted, readStart(params));
  return { result: page, total, next };
};

const profile: Handler = (ctx) => {
  const user = ctx.portal.users.get(ctx.userId) as PortalUser;
  return {
    result: {
      ID: String(user.id),
      ADMIN: user.admin ?? user.id === 1,
      NAME: user.name,
      LAST_NAME: user.lastName ?? '',
      PERSONAL_GENDER: '',
      TIME_ZONE: '',
      TIME_ZONE_OFFSET: ctx.portal.offsetMin * 60,
    },
  };
};

/** The scopes a webhook with CRM, tasks and users enabled reports. */
const scope: Handler = () => ({ result: ['crm', 'task', 'tasks_extended', 'user', 'user_basic', 'user_brief'] });

export const userMethods: Record<string, Handler> = { 'user.get': userGet, profile, scope };
