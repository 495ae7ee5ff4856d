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
  return {
    ...z.toJSONSchema(bridgeConfigSchema, { io: 'input', unrepresentable: 'any' }),
    $id: 'urn:ringostat-bridge:schema:config:v1',
    title: 'Ringostat → Bitrix24 bridge config',
    description: 'Project config (docs/contracts.md §2). String values may reference environment variables as ${NAME}; '
      + 'a custom field may be the target of one parameter only (S9); timeZone must be an IANA zone.',
  };
}
