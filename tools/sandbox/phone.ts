/**
 * The match code Bitrix24's duplicate index keeps for a phone (research §5.7):
 * `DuplicateCommunicationCriterion::normalizePhone` = `NormalizePhone(value, 1)` from the main
 * module, then everything after the first run of digits is cut. Search values get the same
 * treatment and are compared strictly, so `098 123 45 67` (→ 981234567) does NOT find
 * `+380981234567` (→ 380981234567), while `0981234567` and `981234567` find each other.
 */
export function normalizePhone(value: string): string {
  let number = value.trim();
  // International "+8…" numbers must not fall into the Russian 8 → 7 rule below.
  if (number.length >= 10 && number.startsWith('+8')) number = `00${number.slice(1)}`;
  number = number.replace(/[^0-9#*,;]/g, '');
  if (number.length >= 10) {
    if (/^8[012]/.test(number)) {
      // 80/81/82 are international prefixes: left alone.
    } else if (number.startsWith('00')) {
      number = number.slice(2);
    } else if (number.startsWith('011')) {
      number = number.slice(3);
    } else if (number.startsWith('8')) {
      number = `7${number.slice(1)}`;
    } else if (number.startsWith('0')) {
      number = number.slice(1);
    }
  }
  if (number === '') number = value.replace(/[^0-9#*,;]/g, '');
  // An extension after ; # , (or anything else) is not part of the match code.
  const digits = /\d+/.exec(number);
  return digits ? digits[0] : '';
}

/** E-mails match case-insensitively, ignoring surrounding blanks. */
export function normalizeEmail(value: string): string {
  return value.trim().toLowerCase();
}
