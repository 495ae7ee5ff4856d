/**
 * crm_multifield values (PHONE, EMAIL, WEB, IM), research §5.5. Written as
 * `[{VALUE, VALUE_TYPE}]`, read back as `[{ID, VALUE_TYPE, VALUE, TYPE_ID}]`. On update an item
 * with ID changes that entry, `DELETE: "Y"` or an empty VALUE removes it, an item without ID is
 * appended, and entries not mentioned stay — clients that send the full list again duplicate it.
 */
import { asList, isObject, scalarString } from './params';

export type MultiType = 'PHONE' | 'EMAIL' | 'WEB' | 'IM';

export interface MultiItem {
  ID: string;
  VALUE_TYPE: string;
  VALUE: string;
  TYPE_ID: MultiType;
}

const DEFAULT_VALUE_TYPE: Record<MultiType, string> = { PHONE: 'WORK', EMAIL: 'WORK', WEB: 'WORK', IM: 'OTHER' };

interface InputItem {
  id?: string;
  value: string;
  valueType?: string;
  remove: boolean;
}

function readItems(input: unknown): InputItem[] {
  const items: InputItem[] = [];
  for (const raw of asList(input) ?? []) {
    if (!isObject(raw)) continue; // bare strings are not multifield items: Bitrix24 skips them
    const id = scalarString(raw.ID);
    const value = (scalarString(raw.VALUE) ?? '').trim();
    const valueType = scalarString(raw.VALUE_TYPE)?.trim().toUpperCase();
    const remove = String(raw.DELETE ?? '').toUpperCase() === 'Y';
    items.push({ id: id && id !== '' ? id : undefined, value, valueType: valueType || undefined, remove });
  }
  return items;
}

/**
 * Applies `input` to the entity's current entries of one type. Items naming an ID this entity
 * does not have are ignored (on add it has none), as Bitrix24 cannot edit another record's entry.
 */
export function applyMultifield(
  type: MultiType,
  current: MultiItem[],
  input: unknown,
  nextId: () => number,
): MultiItem[] {
  const result = current.map((item) => ({ ...item }));
  for (const item of readItems(input)) {
    if (item.id !== undefined) {
      const index = result.findIndex((entry) => entry.ID === item.id);
      if (index === -1) continue;
      const entry = result[index] as MultiItem;
      if (item.remove || item.value === '') {
        result.splice(index, 1);
      } else {
        entry.VALUE = item.value;
        if (item.valueType) entry.VALUE_TYPE = item.valueType;
      }
      continue;
    }
    if (item.remove || item.value === '') continue;
    result.push({
      ID: String(nextId()),
      VALUE_TYPE: item.valueType ?? DEFAULT_VALUE_TYPE[type],
      VALUE: item.value,
      TYPE_ID: type,
    });
  }
  return result;
}

export function multiValues(record: Record<string, unknown>, type: MultiType): string[] {
  const items = record[type];
  return Array.isArray(items) ? (items as MultiItem[]).map((item) => item.VALUE) : [];
}
