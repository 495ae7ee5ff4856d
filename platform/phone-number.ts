import { parsePhoneNumberFromString, type CountryCode, type PhoneNumber } from 'libphonenumber-js';

/**
 * Phone numbers in E.164 (B1): calls arrive in any format (Ringostat's, a person's), and the
 * dispatcher, the routing endpoint and the Bitrix24 search all compare numbers in this one form.
 */

/** `raw` in any human or Ringostat format → `+380981234567`, or null when it is not a phone number. */
export function normalizePhone(raw: string, defaultCountry: string): string | null {
  const text = raw.trim();
  if (!/\d/.test(text)) return null;
  const country = defaultCountry.toUpperCase() as CountryCode;
  const first = parsePhone(text, country);
  if (first?.isValid()) return first.number;
  // The old ex-USSR long-distance prefix: `8 098 123 45 67` is `098 123 45 67` in Ukraine.
  const digits = text.replace(/\D/g, '');
  if (digits.startsWith('8') && !text.startsWith('+')) {
    const withoutEight = parsePhone(digits.slice(1), country);
    if (withoutEight?.isValid()) return withoutEight.number;
  }
  // A number in an unassigned range may still be a real caller: keep it if its length fits.
  return first?.isPossible() ? first.number : null;
}

/** libphonenumber's parse, with its throw on garbage turned into undefined. */
export function parsePhone(text: string, country: CountryCode): PhoneNumber | undefined {
  try {
    return parsePhoneNumberFromString(text, country);
  } catch {
    return undefined;
  }
}
