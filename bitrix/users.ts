import type { BitrixClient } from './client';
import { BitrixError, BitrixRateLimitedError, cloneBitrixError, BitrixTokenInvalidError, BitrixTransientError } from './errors';

/** A portal user as the bridge needs it (employee links, F3 "inactive gives none"). */
export interface BitrixUser {
  id: number;
  name: string;
  active: boolean;
  /** UF_PHONE_INNER: the internal extension. */
  extension?: string;
  email?: string;
}

type UserRow = Record<string, unknown>;

/** ACTIVE is a boolean in user.get, but older portals and batch answers may say 'Y' / '1'. */
function isActive(value: unknown): boolean {
  return value === true || value === 'Y' || value === '1' || value === 1 || value === 'true';
}

function toUser(row: UserRow): BitrixUser {
  const name = [row.NAME, row.LAST_NAME].filter((p) => typeof p === 'string' && p !== '').join(' ');
  const user: BitrixUser = { id: Number(row.ID), name: name || String(row.EMAIL ?? `user ${String(row.ID)}`), active: isActive(row.ACTIVE) };
  if (typeof row.UF_PHONE_INNER === 'string' && row.UF_PHONE_INNER !== '') user.extension = row.UF_PHONE_INNER;
  if (typeof row.EMAIL === 'string' && row.EMAIL !== '') user.email = row.EMAIL;
  return user;
}

export async function listActiveUsers(client: BitrixClient): Promise<BitrixUser[]> {
  const rows = await client.listAll<UserRow>('user.get', { FILTER: { ACTIVE: true } });
  // Filter here too: a portal that ignores FILTER must not make a fired employee responsible.
  return rows.map(toUser).filter((u) => u.active && Number.isInteger(u.id) && u.id > 0);
}

export interface WebhookCheck {
  activeUsers: BitrixUser[];
  /** Granted scopes, when the portal answers `scope`. */
  scopes?: string[];
  /** Of REQUIRED_SCOPES, those the webhook lacks (a warning: the call that needs one will fail). */
  missingScopes: string[];
}

/** Scopes the bridge uses: CRM entities, tasks, and the user list. */
export const REQUIRED_SCOPES = ['crm', 'task', 'user'];

/**
 * M3 activation check: loads the portal's user list with the webhook. A refusal is rethrown
 * as the same error class and code, its description replaced by the reason in plain words
 * for the operator (never containing the secret).
 */
export async function checkWebhook(client: BitrixClient): Promise<WebhookCheck> {
  let activeUsers: BitrixUser[];
  try {
    activeUsers = await listActiveUsers(client);
  } catch (err) {
    if (!(err instanceof BitrixError)) throw err;
    throw cloneBitrixError(err, { description: explainBitrixError(err, client.description) });
  }
  let scopes: string[] | undefined;
  try {
    const granted = await client.call<unknown>('scope');
    if (Array.isArray(granted)) scopes = granted.map(String);
  } catch {
    // `scope` is informative only; a portal (or sandbox) without it does not fail activation.
  }
  const missingScopes = scopes ? REQUIRED_SCOPES.filter((s) => !scopes.includes(s) && !scopes.includes(`${s}_basic`)) : [];
  return { activeUsers, scopes, missingScopes };
}

/** The portal's refusal, in words an operator can act on. `where` is describeWebhook(...). */
export function explainBitrixError(err: BitrixError, where: string): string {
  const said = err.description ? ` (the portal said: "${err.description}")` : '';
  switch (err.code) {
    case 'INVALID_CREDENTIALS':
      return `${where} refused the webhook: it was deleted or blocked, its secret was regenerated, its user changed or was deactivated, or the user id / secret is mistyped`;
    case 'NO_AUTH_FOUND':
      return `${where} found no valid authorisation in the request: check the user id and secret of the webhook`;
    case 'expired_token':
    case 'invalid_token':
      return `the webhook ${where} has expired or is invalid: create a new one`;
    case 'PORTAL_DELETED':
      return `the Bitrix24 portal of ${where} was deleted or closed`;
    case 'insufficient_scope':
      return `the webhook ${where} lacks a permission: give it the ${REQUIRED_SCOPES.join(', ')} scopes`;
    case 'ACCESS_DENIED':
      return `${where} denied access: REST is available only on commercial plans, or the webhook's user lacks rights${said}`;
    case 'ERROR_METHOD_NOT_FOUND':
      return `${where} does not look like a Bitrix24 webhook address (method not found)`;
    case 'OVERLOAD_LIMIT':
      return `Bitrix24 support has blocked the REST API of ${where} for overload`;
    case 'PORTAL_MOVED':
      return `the portal of ${where} moved to another address: use the webhook URL of the new address`;
    default:
      break;
  }
  if (err instanceof BitrixTokenInvalidError) return `${where} does not accept the webhook${said}`;
  if (err instanceof BitrixRateLimitedError) return `${where} is limiting requests right now: try again in a minute`;
  if (err instanceof BitrixTransientError) return `${where} did not answer properly, try again later${said}`;
  return `${where} rejected the request${said}`;
}
