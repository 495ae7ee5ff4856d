/**
 * The method table. Names are matched lower-cased, as Bitrix24's REST server does; anything
 * not here is 404 ERROR_METHOD_NOT_FOUND "Method not found!".
 */
import { batchHandler } from './batch';
import { formatDateTime } from './clock';
import type { CallContext, Handler, MethodResult } from './context';
import { dealContactMethods } from './crm-deal-contacts';
import { directoryMethods } from './crm-directory';
import { duplicateMethods } from './crm-duplicate';
import { crmEntityMethods } from './crm-entity';
import type { Params } from './params';
import type { Portal } from './portal';
import { systemErrors } from './rest-error';
import { taskMethods } from './tasks';
import { userMethods } from './users';

const serverTime: Handler = (ctx) => ({ result: formatDateTime(ctx.now, ctx.portal.offsetMin) });

const METHODS: Record<string, Handler> = {
  ...crmEntityMethods(),
  ...dealContactMethods,
  ...duplicateMethods,
  ...directoryMethods,
  ...userMethods,
  ...taskMethods,
  'server.time': serverTime,
  batch: batchHandler,
};

export function isKnownMethod(method: string): boolean {
  return Object.hasOwn(METHODS, method.toLowerCase());
}

export function listMethods(): string[] {
  return Object.keys(METHODS).sort();
}

export function callContext(portal: Portal, userId: number, inBatch = false): CallContext {
  const ctx: CallContext = {
    portal,
    userId,
    now: Date.now(),
    inBatch,
    dispatch: (method: string, params: Params): MethodResult => {
      // Each batch command gets its own clock reading, like sequential calls would.
      const inner = callContext(portal, userId, true);
      return dispatch(inner, method, params);
    },
  };
  return ctx;
}

export function dispatch(ctx: CallContext, method: string, params: Params): MethodResult {
  const name = method.toLowerCase();
  const handler = Object.hasOwn(METHODS, name) ? METHODS[name] : undefined;
  if (!handler) throw systemErrors.methodNotFound();
  return handler(ctx, params);
}
