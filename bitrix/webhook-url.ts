import { isLoopbackHost } from '../platform/loopback';
/**
 * Bitrix24 incoming-webhook credentials (M3): `https://{portal}/rest/{user_id}/{secret}/`.
 *
 * The secret is a bearer credential (R4), so every error raised here names the part that is
 * wrong without ever quoting the secret — or the raw input, which may contain it.
 */

export interface WebhookCredentials {
  /** host[:port] of the portal, e.g. `acme.bitrix24.ua` or `127.0.0.1:4010`. */
  portal: string;
  /** Scheme + portal (+ any path before `/rest/`), no trailing slash. */
  baseUrl: string;
  /** The webhook creator; calls run with this user's rights. */
  userId: number;
  secret: string;
}

/** Raised for a malformed webhook (config / activation error, never retried). */
export class InvalidWebhookError extends Error {
  override readonly name = 'InvalidWebhook';
}

// Bitrix24 secrets are short alphanumeric codes; allow `_`/`-` for on-premise installs.
const SECRET_RE = /^[A-Za-z0-9_-]{4,128}$/;

/** Parses a full webhook URL. A trailing slash is optional; anything after the secret is refused. */
export function parseWebhookUrl(input: string): WebhookCredentials {
  const text = input.trim();
  if (text === '') throw new InvalidWebhookError('webhook URL is empty');
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new InvalidWebhookError('webhook URL is not a valid URL (expected https://{portal}/rest/{user_id}/{secret}/)');
  }
  checkOrigin(url);
  if (url.search !== '' || url.hash !== '') {
    throw new InvalidWebhookError(`webhook URL for ${url.host} must not have a query string or fragment`);
  }
  // Split on the last `/rest/` so that an on-premise portal under a sub-path still works.
  const path = url.pathname.replace(/\/+$/, '');
  const at = path.lastIndexOf('/rest/');
  if (at < 0) {
    throw new InvalidWebhookError(`webhook URL for ${url.host} must have the path /rest/{user_id}/{secret}/`);
  }
  const prefix = path.slice(0, at);
  const parts = path.slice(at + '/rest/'.length).split('/');
  if (parts.length > 2) {
    throw new InvalidWebhookError(
      `webhook URL for ${url.host} has extra path segments after the secret (remove any method name such as "profile.json")`,
    );
  }
  const [userPart, secretPart] = parts;
  return build(url.protocol, url.host, prefix, userPart, secretPart);
}

/** Builds credentials from the three parts an operator may type separately (M3). */
export function webhookFromParts(parts: { portal: string; userId: number | string; secret: string }): WebhookCredentials {
  const raw = parts.portal.trim().replace(/\/+$/, '');
  if (raw === '') throw new InvalidWebhookError('webhook portal is empty');
  let url: URL;
  try {
    url = new URL(raw.includes('://') ? raw : `https://${raw}`);
  } catch {
    throw new InvalidWebhookError('webhook portal is not a valid host name');
  }
  checkOrigin(url);
  if (url.search !== '' || url.hash !== '' || /\/rest(\/|$)/.test(url.pathname)) {
    throw new InvalidWebhookError(`webhook portal must be a host name such as acme.bitrix24.ua, not a URL with a path`);
  }
  return build(url.protocol, url.host, url.pathname.replace(/\/+$/, ''), String(parts.userId), parts.secret.trim());
}

/** Accepts either form: a URL string or the three parts. */
export function toWebhookCredentials(
  input: string | { portal: string; userId: number | string; secret: string } | WebhookCredentials,
): WebhookCredentials {
  if (typeof input === 'string') return parseWebhookUrl(input);
  // Already-parsed credentials keep their scheme (http:// for the loopback sandbox).
  if ('baseUrl' in input) return webhookFromParts({ portal: input.baseUrl, userId: input.userId, secret: input.secret });
  return webhookFromParts(input);
}

/** Safe for logs: `https://acme.bitrix24.ua/rest/7/***\/`. */
export function describeWebhook(creds: Pick<WebhookCredentials, 'baseUrl' | 'userId'>): string {
  return `${creds.baseUrl}/rest/${creds.userId}/***/`;
}

/** The URL a method is POSTed to. Contains the secret: never log it. */
export function methodUrl(creds: WebhookCredentials, method: string): string {
  return `${creds.baseUrl}/rest/${creds.userId}/${creds.secret}/${method}.json`;
}

function checkOrigin(url: URL): void {
  if (url.username !== '' || url.password !== '') {
    throw new InvalidWebhookError('webhook URL must not contain a user name or password');
  }
  if (url.protocol === 'https:') return;
  if (url.protocol === 'http:') {
    if (isLoopbackHost(url.hostname)) return;
    throw new InvalidWebhookError(`webhook URL for ${url.host} must use https:// (http:// is allowed only for localhost)`);
  }
  throw new InvalidWebhookError(`webhook URL must use https:// (got ${url.protocol.replace(/:$/, '')})`);
}

function build(protocol: string, host: string, prefix: string, userPart: string | undefined, secretPart: string | undefined): WebhookCredentials {
  if (!host) throw new InvalidWebhookError('webhook URL has no portal host');
  if (!userPart || !/^[1-9]\d{0,9}$/.test(userPart)) {
    throw new InvalidWebhookError(`webhook for ${host}: the user id must be a positive integer (the part after /rest/)`);
  }
  if (!secretPart) throw new InvalidWebhookError(`webhook for ${host}/rest/${userPart}/: the secret is missing`);
  if (!SECRET_RE.test(secretPart)) {
    // Never echo the secret; its length is harmless and helps spot a truncated paste.
    throw new InvalidWebhookError(
      `webhook for ${host}/rest/${userPart}/: the secret must be 4–128 letters, digits, "_" or "-" (got ${secretPart.length} characters)`,
    );
  }
  return { portal: host, baseUrl: `${protocol}//${host}${prefix}`, userId: Number(userPart), secret: secretPart };
}
