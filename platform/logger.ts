import pino, { type Logger } from 'pino';

/**
 * The one root logger. Webhook URLs carry the Bitrix24 secret (R4): every path that may hold
 * one is redacted, and `redactSecrets` masks it inside free text such as error messages.
 */
export const redactPaths = [
  'webhookUrl', '*.webhookUrl', '*.*.webhookUrl', 'url', '*.url', 'secret', '*.secret',
  'authorization', '*.authorization', 'headers.authorization', 'ingestToken', '*.ingestToken', 'token', '*.token',
  // Ringostat's Auth-key (B7, B9).
  'apiKey', '*.apiKey', '*.*.apiKey', 'headers["auth-key"]',
];

export function createLogger(options: { level?: string; destination?: pino.DestinationStream; name?: string } = {}): Logger {
  return pino(
    {
      name: options.name ?? 'bridge',
      level: options.level ?? 'info',
      redact: { paths: redactPaths, censor: '[redacted]' },
      formatters: { log: (object) => redactObjectStrings(object) },
    },
    options.destination,
  );
}

/** Masks the secret segment of any Bitrix24 webhook URL: /rest/{user}/{secret}/ → /rest/{user}/***. */
export function redactSecrets(text: string): string {
  return text.replace(/\/rest\/(\d+)\/[^/\s"'?]+/g, '/rest/$1/***');
}

function redactObjectStrings(object: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(object)) {
    out[key] = typeof value === 'string' ? redactSecrets(value) : value;
  }
  return out;
}

export type { Logger };
