/** What a method handler receives and returns. */
import type { Params } from './params';
import type { Portal } from './portal';

export interface CallContext {
  portal: Portal;
  /** The webhook's user: default responsible, CREATED_BY_ID, task creator. */
  userId: number;
  now: number;
  /** Runs another method with the same portal and user (used by batch). */
  dispatch(method: string, params: Params): MethodResult;
  inBatch: boolean;
}

/** `total`/`next` are printed beside `result` by list methods only. */
export interface MethodResult {
  result: unknown;
  total?: number;
  next?: number;
}

export type Handler = (ctx: CallContext, params: Params) => MethodResult;
