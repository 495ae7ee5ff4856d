import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import YAML from 'yaml';
import { InvalidWebhookError, parseWebhookUrl } from '../bitrix/webhook-url';
import { registerSecrets } from '../platform/logger';
import { bridgeConfigSchema, type BridgeConfig } from '../schemas/project-config';
import { deepFreeze, isPlainObject } from '../platform/plain-values';

export type ConfigFormat = 'json' | 'yaml';
export type ConfigEnv = Readonly<Record<string, string | undefined>>;

/**
 * A config that cannot be used. `issues` holds one line per problem, each starting with the field
 * it is about (`projects[0].scenario.createOn: …`), so `config check` can print them all at once
 * (R6). An issue may quote the value that is wrong (`"hello" is not a valid phone number`), never a
 * secret: the webhook URL, the Ringostat key and the ingest token are not quoted (R4).
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly issues: string[];
  constructor(issues: string[], source = 'config') {
    super(`${source} is invalid (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n${issues.map((i) => `  - ${i}`).join('\n')}`);
    this.issues = issues;
  }
}

/** Reads a config file; `.json` is JSON, anything else YAML (a superset of JSON). */
export async function loadConfig(path: string, env: ConfigEnv): Promise<BridgeConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ConfigError([`(file): cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`], path);
  }
  try {
    return parseConfig(text, extname(path).toLowerCase() === '.json' ? 'json' : 'yaml', env);
  } catch (err) {
    throw err instanceof ConfigError ? new ConfigError(err.issues, path) : err;
  }
}

/**
 * Parses, resolves `${VAR}` / `${VAR:-default}` references from `env`, and validates with the zod
 * schema plus the checks a schema cannot express. Returns a deeply frozen config.
 */
export function parseConfig(text: string, format: ConfigFormat, env: ConfigEnv): BridgeConfig {
  const raw = parseText(text, format);
  const walk: Walk = { env, issues: [], unresolved: new Set() };
  const resolved = resolveNode(raw, bridgeConfigSchema as unknown as SchemaNode, [], walk);
  const webhook = webhookIssues(resolved, walk.unresolved);
  const issues = [...walk.issues, ...webhook.map((w) => w.issue)];
  // A field with its own, more precise message already (an unset variable, the webhook's form) gets no second one.
  const explained = new Set([...walk.unresolved, ...webhook.map((w) => w.field)]);
  const result = bridgeConfigSchema.safeParse(resolved);
  if (result.success) issues.push(...lineIssues(result.data));
  else {
    for (const issue of result.error.issues) {
      const path = formatPath(issue.path);
      if (!explained.has(path)) issues.push(`${path}: ${humanMessage(issue.message)}`);
    }
  }
  if (issues.length > 0 || !result.success) throw new ConfigError([...new Set(issues)]);
  registerConfigSecrets(result.data);
  return deepFreeze(result.data);
}

/**
 * The config's secrets (webhooks, ingest tokens, Ringostat keys) masked in this process's logs
 * from now on (R4, platform/logger.ts). Every process reads its config at start, here or as the
 * demo's (workers/demo-config.ts).
 */
export function registerConfigSecrets(config: BridgeConfig): void {
  registerSecrets(config.projects.flatMap((p) => [p.bitrix24.webhookUrl, p.ingestToken, p.ringostat?.apiKey]));
}

/** `projects[0].customFields.lead.utmTerm` — the way an operator reads a path in the file. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(String(key))) out += out ? `.${String(key)}` : String(key);
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out || '(root)';
}

function parseText(text: string, format: ConfigFormat): unknown {
  let data: unknown;
  if (format === 'json') {
    try {
      data = JSON.parse(text);
    } catch (err) {
      throw new ConfigError([`(root): not valid JSON: ${(err as Error).message}`]);
    }
  } else {
    const doc = YAML.parseDocument(text);
    // Only the first line of a YAML error: the rest is a source excerpt that may hold a secret.
    if (doc.errors.length > 0) throw new ConfigError(doc.errors.map((e) => `(root): not valid YAML: ${e.message.split('\n')[0]?.replace(/:$/, '')}`));
    data = doc.toJS();
  }
  if (!isPlainObject(data)) throw new ConfigError(['(root): expected an object with a "projects" list']);
  return data;
}

// --- env references, number/boolean coercion and unknown keys, guided by the zod schema ----------

interface Def { type: string; shape?: Record<string, SchemaNode>; element?: SchemaNode; innerType?: SchemaNode; valueType?: SchemaNode; in?: SchemaNode }
interface SchemaNode { _zod: { def: Def } }
interface Walk { env: ConfigEnv; issues: string[]; unresolved: Set<string> }

const WRAPPERS = new Set(['default', 'optional', 'nullable', 'prefault', 'readonly', 'catch', 'nonoptional']);
const REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

function defOf(node: SchemaNode | undefined): Def | undefined {
  let def = node?._zod.def;
  while (def && (WRAPPERS.has(def.type) || def.type === 'pipe')) def = (def.type === 'pipe' ? def.in : def.innerType)?._zod.def;
  return def;
}

function resolveNode(value: unknown, node: SchemaNode | undefined, path: PropertyKey[], walk: Walk): unknown {
  const def = defOf(node);
  if (typeof value === 'string') return resolveString(value, def, path, walk);
  if (Array.isArray(value)) return value.map((item, i) => resolveNode(item, def?.type === 'array' ? def.element : undefined, [...path, i], walk));
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    const known = def?.type === 'object' ? def.shape?.[key] : def?.type === 'record' ? def.valueType : undefined;
    // A typo (`scenaro:`) would otherwise be dropped silently and the default used instead.
    if (key === '__proto__' || (def?.type === 'object' && !known)) {
      walk.issues.push(`${formatPath([...path, key])}: unknown field${suggestion(key, Object.keys(def?.shape ?? {}))}`);
      continue;
    }
    out[key] = resolveNode(child, known, [...path, key], walk);
  }
  return out;
}

function resolveString(text: string, def: Def | undefined, path: PropertyKey[], walk: Walk): unknown {
  if (!text.includes('${')) return text;
  const field = formatPath(path);
  if (text.replace(REF, '').includes('${')) {
    walk.issues.push(`${field}: malformed environment reference (write \${NAME} or \${NAME:-default})`);
    walk.unresolved.add(field);
    return text;
  }
  const missing: string[] = [];
  const out = text.replace(REF, (_match, name: string, fallback: string | undefined) => {
    const value = walk.env[name];
    if (value !== undefined && !(fallback !== undefined && value === '')) return value;
    if (fallback !== undefined) return fallback;
    missing.push(name);
    return '';
  });
  if (missing.length > 0) {
    for (const name of missing) walk.issues.push(`${field}: environment variable ${name} is not set`);
    walk.unresolved.add(field);
    return text;
  }
  // A whole-value reference may stand for a number or a flag (`seniorManager: ${SENIOR_ID}`).
  const whole = /^\$\{[^}]+\}$/.test(text);
  if (whole && def?.type === 'number' && /^-?\d+(\.\d+)?$/.test(out.trim())) return Number(out);
  if (whole && def?.type === 'boolean' && (out === 'true' || out === 'false')) return out === 'true';
  return out;
}

// --- checks the schema cannot express ------------------------------------------------------------

/** M3: the webhook must parse as https://{portal}/rest/{user_id}/{secret}/; the messages never quote the secret. */
function webhookIssues(config: unknown, unresolved: Set<string>): { field: string; issue: string }[] {
  const projects = isPlainObject(config) && Array.isArray(config.projects) ? config.projects : [];
  return projects.flatMap((project: unknown, i) => {
    const bitrix = isPlainObject(project) ? project.bitrix24 : undefined;
    const url = isPlainObject(bitrix) ? bitrix.webhookUrl : undefined;
    const field = formatPath(['projects', i, 'bitrix24', 'webhookUrl']);
    if (typeof url !== 'string' || url === '' || unresolved.has(field)) return [];
    try {
      parseWebhookUrl(url);
      return [];
    } catch (err) {
      if (err instanceof InvalidWebhookError) return [{ field, issue: `${field}: ${err.message}` }];
      throw err;
    }
  });
}

/** M2: one extension or SIP login on two employees would bind a line to whichever comes first. */
function lineIssues(config: BridgeConfig): string[] {
  const issues: string[] = [];
  config.projects.forEach((project, p) => {
    const owners = new Map<string, string>();
    project.employees.forEach((employee, e) => {
      const keys: Array<[string, PropertyKey[]]> = [
        ...(employee.extension ? [[`extension "${employee.extension}"`, ['extension']] as [string, PropertyKey[]]] : []),
        ...employee.sip.map((login, s): [string, PropertyKey[]] => [`SIP login "${login.toLowerCase()}"`, ['sip', s]]),
      ];
      for (const [key, sub] of keys) {
        const other = owners.get(key);
        if (other) issues.push(`${formatPath(['projects', p, 'employees', e, ...sub])}: ${key} already belongs to employee "${other}"`);
        else owners.set(key, employee.code);
      }
    });
  });
  return issues;
}

// --- small helpers -------------------------------------------------------------------------------

function humanMessage(message: string): string {
  const required = /^Invalid input: expected (\w+), received undefined$/.exec(message);
  if (required) return `is required (${required[1]})`;
  return message.replace(/^Invalid input: /, '');
}

/** "did you mean" for a key one or two edits away from a known one. */
function suggestion(key: string, known: string[]): string {
  const close = known.find((candidate) => editDistance(key.toLowerCase(), candidate.toLowerCase()) <= 2);
  return close ? ` (did you mean "${close}"?)` : '';
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length] ?? 0;
}
