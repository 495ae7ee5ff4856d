import type { CountryCode } from 'libphonenumber-js';
import { parsePhone } from '../platform/phone-number';

/**
 * Phone numbers (B1). Calls arrive in any format and people type numbers into the CRM in any
 * format; Bitrix24's duplicate index only strips formatting and a few prefixes, then compares
 * strictly (research §5.7). So we normalise to E.164 for ourselves (platform/phone-number.ts),
 * and search the CRM with every stored form the index would NOT equate — `380981234567` and `0981234567` are two
 * different index entries for the same phone.
 */

/** Countries with a trunk 0 where `8 0xx …` long-distance dialling was used until recently. */
const EIGHT_ZERO_COUNTRIES = new Set(['UA', 'MD', 'GE', 'AM', 'AZ', 'KG']);

/** crm.duplicate.findbycomm takes at most 20 values per request. */
export const MAX_SEARCH_VALUES = 20;

/**
 * Bitrix24's match code for a phone (§5.7, `DuplicateCommunicationCriterion::normalizePhone`):
 * two values find each other in crm.duplicate.findbycomm exactly when their codes are equal.
 */
export function bitrixPhoneMatchCode(value: string): string {
  let text = value;
  if (text.length >= 10 && text.startsWith('+8')) text = `00${text.slice(1)}`;
  let code = text.replace(/[^0-9#*,;]/g, '');
  // The prefix rules apply only to strings of 10+ characters (after stripping).
  if (code.length >= 10) {
    if (/^8[012]/.test(code)) {
      // 80/81/82…: kept as they are.
    } else if (code.startsWith('00')) code = code.slice(2);
    else if (code.startsWith('011')) code = code.slice(3);
    else if (code.startsWith('8')) code = `7${code.slice(1)}`;
    else if (code.startsWith('0')) code = code.slice(1);
  }
  // Everything after the first run of digits (an extension after ; # ,) is ignored.
  return /\d+/.exec(code)?.[0] ?? '';
}

/**
 * Every form of `e164` a person may have stored that the duplicate index keeps apart, one
 * representative per match code, the E.164 form first; at most 20 (the findbycomm limit).
 */
export function phoneSearchVariants(e164: string, defaultCountry: string): string[] {
  const parsed = parsePhone(e164, defaultCountry.toUpperCase() as CountryCode);
  if (!parsed) {
    const code = bitrixPhoneMatchCode(e164);
    return code ? [e164] : [];
  }
  const national = parsed.nationalNumber; // 981234567 (significant number)
  const formattedNational = parsed.formatNational().replace(/\D/g, ''); // 0981234567, 89161234567, 2015550123
  const trunkZero = formattedNational.startsWith('0') && formattedNational !== national;
  const candidates = [
    parsed.number, // +380981234567 — also stands for 380…, 00380…, +38 (098) …
    formattedNational, // 0981234567 — also stands for 981234567 (the index drops one leading 0)
    national, // 2015550123 where the national form has no trunk prefix
    // `+44 (0)20 …`, `+49 (0)30 …`: the trunk 0 kept after the country code.
    ...(trunkZero ? [`+${parsed.countryCallingCode}0${national}`] : []),
    // The old `8 0xx` long-distance dialling, still found in CRMs of the former USSR.
    ...(trunkZero && EIGHT_ZERO_COUNTRIES.has(parsed.country ?? '') ? [`8${formattedNational}`] : []),
  ];
  const seen = new Set<string>();
  const out: string[] = [];
  for (const candidate of candidates) {
    const code = bitrixPhoneMatchCode(candidate);
    // Too short to be a phone: a 5-digit fragment would match unrelated numbers.
    if (code.length < 6 || seen.has(code)) continue;
    seen.add(code);
    out.push(candidate);
  }
  return out.slice(0, MAX_SEARCH_VALUES);
}
