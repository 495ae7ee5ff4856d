/**
 * Small helpers for tests that drive the sandbox over real HTTP: one call, its status and
 * parsed body, and a fresh portal + webhook in one line. Not used by the sandbox itself.
 */
import type { RateLimitConfig, Sandbox, SandboxUser } from './types';

export interface RestReply {
  status: number;
  // Bodies are whatever Bitrix24 shapes the method returns; tests assert on them field by field.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

/** POSTs JSON to `${webhookUrl}${method}` (the primary transport). */
export async function rest(webhookUrl: string, method: string, params: unknown = {}, init: RequestInit = {}): Promise<RestReply> {
  const response = await fetch(`${webhookUrl}${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(params),
    ...init,
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
}

export const NO_RATE_LIMIT: RateLimitConfig = { enabled: false, perSecond: 2, burst: 50 };

export const DEFAULT_USERS: SandboxUser[] = [
  { id: 1, name: 'Senior', lastName: 'Manager', email: 'senior@example.test' },
  { id: 7, name: 'Olena', lastName: 'Koval', extension: '101' },
  { id: 8, name: 'Taras', lastName: 'Melnyk', extension: '102' },
  { id: 9, name: 'Iryna', lastName: 'Bondar', extension: '103', active: false },
];

let portalCounter = 0;

/** A new portal (rate limit off unless given) and a webhook of user 1; returns the webhook URL. */
export function freshPortal(
  sandbox: Sandbox,
  options: { rateLimit?: RateLimitConfig; dealCategories?: Array<{ id: number; name: string }>; users?: SandboxUser[] } = {},
): { portalId: string; webhook: string } {
  portalCounter += 1;
  const portalId = `portal-${process.pid}-${portalCounter}`;
  sandbox.admin.createPortal({
    id: portalId,
    users: options.users ?? DEFAULT_USERS,
    rateLimit: options.rateLimit ?? NO_RATE_LIMIT,
    dealCategories: options.dealCategories,
  });
  return { portalId, webhook: sandbox.admin.createWebhook(portalId, 1) };
}
