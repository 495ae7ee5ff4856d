/**
 * crm.duplicate.findbycomm, following CCrmDuplicateRestProxy (research §5.6–5.7): at most 20
 * distinct values are searched, each match limited to 20 entities ordered LEAD, CONTACT,
 * COMPANY then id; values must be strings; a match is strict equality of normalised codes.
 * The answer is `{LEAD:[ids], CONTACT:[ids]}` with integer ids, or `[]` when nothing matched.
 */
import type { Handler } from './context';
import { normalizeEmail, normalizePhone } from './phone';
import { asList, pick, scalarString } from './params';
import { crmError } from './rest-error';

const TYPE_ORDER = ['lead', 'contact', 'company'];
const MAX_VALUES = 20;
const MAX_MATCHES = 20;

/** CCrmOwnerType::ResolveID for the names and ids a caller may pass. */
function resolveEntityType(value: unknown): string | undefined {
  const text = (scalarString(value) ?? '').trim().toUpperCase();
  const byId: Record<string, string> = { '1': 'LEAD', '2': 'DEAL', '3': 'CONTACT', '4': 'COMPANY' };
  const name = byId[text] ?? text;
  return ['LEAD', 'DEAL', 'CONTACT', 'COMPANY'].includes(name) ? name : undefined;
}

const findByComm: Handler = (ctx, params) => {
  const type = (scalarString(pick(params, 'type')) ?? '').toUpperCase();
  if (type !== 'PHONE' && type !== 'EMAIL') {
    if (type === '') throw crmError('Communication type is not defined.');
    throw crmError(`Communication type '${type}' is not supported in current context.`);
  }
  // A string or number is not an array for PHP's is_array(): same error as a missing list.
  const values = asList(pick(params, 'values'));
  if (!values || values.length === 0) throw crmError('Communication values is not defined.');
  const entityParam = params.ENTITY_TYPE ?? params.entity_type ?? params.EntityType ?? params.arEntityType;
  const entityType = resolveEntityType(entityParam);
  if (entityType === 'DEAL') throw crmError('Deal is not supported in current context.');

  const seen = new Set<string>();
  const byType = new Map<string, number[]>();
  for (const value of values) {
    if (typeof value !== 'string' || value === '') continue; // numbers are skipped, as in PHP
    const code = type === 'PHONE' ? normalizePhone(value) : normalizeEmail(value);
    if (seen.has(code)) continue;
    seen.add(code);
    const matches = code === '' ? [] : ctx.portal.findByCode(`${type}:${code}`)
      .map((key) => key.split(':') as [string, string])
      .filter(([entity]) => entityType === undefined || entity === entityType.toLowerCase())
      .sort((a, b) => TYPE_ORDER.indexOf(a[0]) - TYPE_ORDER.indexOf(b[0]) || Number(a[1]) - Number(b[1]))
      .slice(0, MAX_MATCHES);
    for (const [entity, id] of matches) {
      const name = entity.toUpperCase();
      const ids = byType.get(name) ?? [];
      if (!ids.includes(Number(id))) ids.push(Number(id));
      byType.set(name, ids);
    }
    if (seen.size >= MAX_VALUES) break;
  }
  // An empty PHP array serialises as [], not {}: clients must accept both shapes.
  return { result: byType.size === 0 ? [] : Object.fromEntries(byType) };
};

export const duplicateMethods: Record<string, Handler> = { 'crm.duplicate.findbycomm': findByComm };
