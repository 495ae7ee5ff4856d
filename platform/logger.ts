import pino, { type Logger } from 'pino';

/*
 * Secrets never reach a log line (R4): the Bitrix24 webhook (its `{secret}` path segment), each
 * project's ingest token and Ringostat's API key. Three layers, because each misses what the
 * next one catches:
 *
 * 1. pino's `redact` paths censor fields that hold a secret by name (`webhookUrl`, `apiKey`, a
 *    config's `projects[*].bitrix24.webhookUrl`…) — cheap, done by pino while it serialises,
 *    but blind to a secret inside some other field's text.
 * 2. A value scrubber over everything a line carries: the merged object (formatters.log, which
 *    sees Error objects before pino's err serializer, so their message, stack and cause are
 *    scrubbed too), the base bindings (formatters.bindings), a child's bindings (pino applies
 *    no formatter to those, so `child` scrubs them) and the message with its format arguments
 *    (hooks.logMethod). It masks every secret registered at start — the process knows
 *    its secrets from its config (config/config-loader.ts registers them) — wherever it appears,
 *    nested in objects and arrays included.
 * 3. Patterns for secrets nobody registered: any Bitrix24 webhook path `/rest/{user}/{secret}`
 *    (a new webhook on its way to `reactivate`), and `token=` / `key=` style query parameters.
 *
 * A `url` is not censored as such: request URLs are logged without their query string (the
 * `req` serializer), which is where a token travels (`?token=`, docs/contracts.md §5).
 */

/** Fields that hold a secret by name, at the depths the bridge logs them. */
export const redactPaths = [
  'webhookUrl', '*.webhookUrl', '*.*.webhookUrl', 'secret', '*.secret',
  'authorization', '*.authorization', 'headers.authorization', 'ingestToken', '*.ingestToken', 'token', '*.token',
  // Ringostat's Auth-key (B7, B9).
  'apiKey', '*.apiKey', '*.*.apiKey', 'headers["auth-key"]',
  // A whole config, or one project of it.
  'projects[*].bitrix24.webhookUrl', 'config.projects[*].bitrix24.webhookUrl', 'project.bitrix24.webhookUrl',
  'projects[*].ingestToken', 'config.projects[*].ingestToken', 'project.ingestToken',
  'projects[*].ringostat.apiKey', 'config.projects[*].ringostat.apiKey', 'project.ringostat.apiKey',
];

const CENSOR = '[redacted]';
/** Shorter strings are not registered: masking them would mangle ordinary text. */
const MIN_SECRET_LENGTH = 8;
const MAX_DEPTH = 12;
const known = new Set<string>();

/**
 * Secrets this process knows (from its config), masked wherever they appear in a log line.
 * A Bitrix24 webhook URL registers its secret segment.
 */
export function registerSecrets(values: Iterable<string | undefined>): void {
  for (const value of values) {
    if (!value) continue;
    // Of a webhook only its secret segment: the portal and user id stay readable in the log.
    const secret = WEBHOOK_SECRET.exec(value)?.[2] ?? value;
    if (secret.length >= MIN_SECRET_LENGTH) known.add(secret);
  }
}

const WEBHOOK_SECRET = /\/rest\/(\d+)\/([^/\s"'?#]+)/;
const WEBHOOK_SECRETS = new RegExp(WEBHOOK_SECRET.source, 'g');
const QUERY_SECRETS = /([?&](?:token|access_token|auth|auth_key|key|api_key|apikey|secret)=)[^&#\s"']+/gi;

/** Masks known secrets, webhook secret segments (/rest/{user}/{secret} → /rest/{user}/***) and secret query parameters. */
export function redactSecrets(text: string): string {
  let out = text;
  for (const secret of known) if (out.includes(secret)) out = out.split(secret).join(CENSOR);
  return out.replace(WEBHOOK_SECRETS, '/rest/$1/***').replace(QUERY_SECRETS, `$1${CENSOR}`);
}

/** A copy of `value` with every string scrubbed; Errors become pino's serialized form (message, stack, cause). */
export function scrubValue(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return redactSecrets(value);
  if (typeof value !== 'object' || value === null) return value;
  if (ArrayBuffer.isView(value)) return value;
  if (seen.has(value) || depth > MAX_DEPTH) return '[Circular]';
  seen.add(value);
  try {
    if (value instanceof Error) return scrubValue(pino.stdSerializers.err(value), depth + 1, seen);
    if (Array.isArray(value)) return value.map((item) => scrubValue(item, depth + 1, seen));
    // URL, Date and the like: what JSON.stringify would print.
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') return scrubValue(toJSON.call(value), depth + 1, seen);
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) out[key] = scrubValue(inner, depth + 1, seen);
    return out;
  } finally {
    seen.delete(value);
  }
}

/** A request as logged: method and URL without its query string, where tokens travel. */
function requestSerializer(req: { method?: unknown; url?: unknown }): Record<string, unknown> {
  const url = typeof req.url === 'string' ? req.url.split(/[?#]/)[0] : req.url;
  return { method: req.method, url };
}

/** pino's message for a call with no message of its own: an Error's, or its `err`'s. */
function impliedMessage(first: unknown): string | undefined {
  if (first instanceof Error) return first.message;
  const err = (first as { err?: unknown; msg?: unknown } | null)?.err;
  return err instanceof Error && (first as { msg?: unknown }).msg === undefined ? err.message : undefined;
}

export function createLogger(options: { level?: string; destination?: pino.DestinationStream; name?: string } = {}): Logger {
  const logger = pino(
    {
      name: options.name ?? 'bridge',
      level: options.level ?? 'info',
      redact: { paths: redactPaths, censor: CENSOR },
      serializers: { req: requestSerializer },
      formatters: {
        log: (object) => scrubValue(object) as Record<string, unknown>,
        bindings: (bindings) => scrubValue(bindings) as pino.Bindings,
      },
      hooks: {
        logMethod(args, method) {
          const [first, ...rest] = args as unknown[];
          // pino would take the message from the Error itself, after this hook: supply it scrubbed.
          const implied = rest.length === 0 ? impliedMessage(first) : undefined;
          const scrubbed = typeof first === 'string' ? [redactSecrets(first), ...rest.map((arg) => scrubValue(arg))]
            : [first, ...rest.map((arg) => scrubValue(arg)), ...(implied === undefined ? [] : [redactSecrets(implied)])];
          return method.apply(this, scrubbed as Parameters<typeof method>);
        },
      },
    },
    options.destination,
  );
  // Children are created from their parent (Object.create), so they all inherit this `child`.
  const child = logger.child;
  logger.child = function scrubbedChild(this: Logger, bindings, childOptions) {
    return child.call(this, scrubValue(bindings) as pino.Bindings, childOptions);
  } as typeof logger.child;
  return logger;
}

export type { Logger };
