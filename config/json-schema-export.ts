import { z } from 'zod';
import { CALL_EVENT_SCHEMA, callEventSchema } from '../schemas/call-event';
import { bridgeConfigSchema } from '../schemas/project-config';

/**
 * The contracts (docs/contracts.md §1–2) as JSON Schema (draft 2020-12), generated from the zod schemas
 * — their single source of truth — so producers and operators in other languages can validate.
 * `io: 'input'` describes what a producer may send / an operator may write: fields with defaults
 * are optional. Cross-field rules (disposition required on call.ended, unique custom-field
 * targets, known time zone) live in refinements JSON Schema cannot express; they are noted in
 * `description` and enforced by the bridge.
 */
export function eventJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(callEventSchema, { io: 'input', unrepresentable: 'any' }),
    $id: 'urn:ringostat-bridge:schema:call-event:v1',
    title: CALL_EVENT_SCHEMA,
    description: 'A Ringostat call event on Kafka (docs/contracts.md §1). `disposition` is required on call.ended.',
  };
}

export function configJsonSchema(): Record<string, unknown> {
  // The zod objects are strict, so every object has `additionalProperties: false`: an editor
  // flags the typo `config check` rejects.
  const schema = z.toJSONSchema(bridgeConfigSchema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  return {
    ...allowEnvReferences(schema),
    $id: 'urn:ringostat-bridge:schema:config:v1',
    title: 'Ringostat → Bitrix24 bridge config',
    description: 'Project config (docs/contracts.md §2). String values may reference environment variables as ${NAME}; '
      + 'a custom field may be the target of one parameter only (S9); timeZone must be an IANA zone; '
      + 'phones must be valid numbers of defaultCountry (or international, with +).',
  };
}

type JsonSchema = Record<string, unknown>;

/** `${NAME}` / `${NAME:-default}` somewhere in a string, as config/config-loader.ts resolves it. */
const ENV_REFERENCE = { type: 'string', pattern: '\\$\\{[A-Za-z_][A-Za-z0-9_]*(:-[^}]*)?\\}' };
/** A whole-value reference, which the loader turns into a number or a flag. */
const WHOLE_ENV_REFERENCE = { type: 'string', pattern: '^\\$\\{[A-Za-z_][A-Za-z0-9_]*(:-[^}]*)?\\}$' };
const CONSTRAINTS = ['pattern', 'format', 'enum', 'const', 'minLength', 'maxLength', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf', 'type'];

/**
 * The loader resolves `${VAR}` before it validates, so a constrained value (a URL, a phone, a
 * country, a number) may be written as a reference: the schema accepts a reference wherever it
 * constrains a scalar — as strict as `config check` on what it can see, and no stricter.
 */
function allowEnvReferences(schema: JsonSchema): JsonSchema {
  const type = schema.type;
  if (type === 'object') {
    const properties = schema.properties as Record<string, JsonSchema> | undefined;
    const extra = schema.additionalProperties;
    return {
      ...schema,
      ...(properties ? { properties: Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, allowEnvReferences(v)])) } : {}),
      ...(typeof extra === 'object' && extra !== null ? { additionalProperties: allowEnvReferences(extra as JsonSchema) } : {}),
    };
  }
  if (type === 'array') return { ...schema, items: allowEnvReferences(schema.items as JsonSchema) };
  const scalar = type === 'string' || type === 'number' || type === 'integer' || type === 'boolean';
  if (!scalar || (type === 'string' && !CONSTRAINTS.some((c) => c !== 'type' && c in schema))) return schema;
  const constraint = Object.fromEntries(Object.entries(schema).filter(([k]) => CONSTRAINTS.includes(k)));
  const annotations = Object.fromEntries(Object.entries(schema).filter(([k]) => !CONSTRAINTS.includes(k)));
  return { ...annotations, anyOf: [constraint, type === 'string' ? ENV_REFERENCE : WHOLE_ENV_REFERENCE] };
}
