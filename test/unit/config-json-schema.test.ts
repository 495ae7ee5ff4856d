/** docs/contracts.md: the event and config schemas exported as JSON Schema for other languages. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { configJsonSchema, eventJsonSchema } from '../../config/json-schema-export';

interface ObjectSchema { type?: string; properties?: Record<string, { enum?: unknown[]; const?: unknown; format?: string; type?: string }>; required?: string[]; additionalProperties?: unknown }

void describe('JSON Schema export', () => {
  void test('the call event: draft 2020-12, its id, required fields, enums and formats', () => {
    const schema = eventJsonSchema() as ObjectSchema & Record<string, unknown>;
    assert.equal(schema.$schema, 'https://json-schema.org/draft/2020-12/schema');
    assert.equal(schema.title, 'ringostat.call-event/v1');
    assert.equal(schema.type, 'object');
    assert.deepEqual([...(schema.required ?? [])].sort(), ['callId', 'clientNumber', 'direction', 'eventId', 'occurredAt', 'projectId', 'schema', 'type']);
    assert.equal(schema.properties?.schema?.const, 'ringostat.call-event/v1');
    assert.deepEqual(schema.properties?.type?.enum, ['call.ringing', 'call.answered', 'call.ended']);
    assert.deepEqual(schema.properties?.direction?.enum, ['incoming', 'outgoing', 'callback', 'transit']);
    assert.equal(schema.properties?.occurredAt?.format, 'date-time');
    assert.notEqual(schema.additionalProperties, false, 'unknown top-level fields are kept (docs/contracts.md §1)');
  });

  void test('the config: projects required; fields with defaults optional (what an operator writes)', () => {
    const schema = configJsonSchema() as ObjectSchema & Record<string, unknown>;
    assert.deepEqual(schema.required, ['projects']);
    const project = (schema.properties?.projects as unknown as { items: ObjectSchema }).items;
    assert.deepEqual([...(project.required ?? [])].sort(), ['bitrix24', 'id', 'seniorManager']);
    const scenario = project.properties?.scenario as unknown as ObjectSchema;
    // A constrained value may also be written as a ${VAR} reference: the constraint is the first choice.
    const entities = scenario.properties?.entities as unknown as { anyOf: { enum?: unknown[] }[] };
    assert.deepEqual(entities.anyOf[0]?.enum, ['lead', 'contact', 'lead+contact', 'deal+contact']);
    assert.equal(project.additionalProperties, false);
  });

  void test('the output is plain JSON and a fresh object each call', () => {
    const a = eventJsonSchema();
    assert.deepEqual(JSON.parse(JSON.stringify(a)), a);
    assert.notEqual(eventJsonSchema(), a);
  });
});
