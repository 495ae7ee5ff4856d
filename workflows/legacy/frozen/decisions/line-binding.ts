// FROZEN COPY for version 1 (workflows/legacy/): copied from decisions/line-binding.ts at commit 41a79f2 (issue 16),
// when version 1 was frozen. Version-1 workflows still running replay on this code and act on what it
// decides, so it never changes, and it deliberately duplicates live code: do not "dedupe" it back
// onto decisions/line-binding.ts (an edit there would change what version-1 calls do). See docs/upgrades.md.
import type { EmployeeRef } from '../../../../schemas/call-event';
import type { Employee, ProjectConfig } from '../../../../schemas/project-config';

/** The shortest tail of digits that still identifies a number: a national number without its prefix. */
const MIN_TAIL_DIGITS = 9;

function digits(value: string): string {
  return value.replace(/\D/g, '');
}

/**
 * Two phone numbers are the same line when their digits are equal, or when the shorter one has
 * at least 9 digits and ends the longer one: `0671112233`, `380671112233` and `+380 67 111 22 33`
 * are one line, whatever format Ringostat or the operator used (M2).
 */
export function samePhone(a: string, b: string): boolean {
  const x = digits(a);
  const y = digits(b);
  if (!x || !y) return false;
  if (x === y) return true;
  const [short, long] = x.length <= y.length ? [x, y] : [y, x];
  return short.length >= MIN_TAIL_DIGITS && long.endsWith(short);
}

/** `sip:Olena@pbx.example` and `olena` name one account when either side omits the domain. */
export function sameSip(a: string, b: string): boolean {
  const norm = (value: string) => value.trim().toLowerCase().replace(/^sips?:/, '');
  const x = norm(a);
  const y = norm(b);
  if (x === y) return true;
  if (x.includes('@') && y.includes('@')) return false;
  return x.split('@')[0] === y.split('@')[0];
}

/**
 * The project's employee behind an EmployeeRef (M2), or undefined when the line is bound to no
 * one (M4 c). Checked from the most to the least specific key, so that a staff code wins over a
 * shared office phone.
 */
export function findEmployee(project: Pick<ProjectConfig, 'employees'>, ref: EmployeeRef | undefined): Employee | undefined {
  if (!ref) return undefined;
  const { employees } = project;
  const { staffId, extension, sip, phone } = ref;
  return (staffId ? employees.find((e) => e.code === staffId) : undefined)
    ?? (extension ? employees.find((e) => e.extension === extension) : undefined)
    ?? (sip ? employees.find((e) => e.sip.some((login) => sameSip(login, sip))) : undefined)
    ?? (phone ? employees.find((e) => e.phones.some((own) => samePhone(own, phone))) : undefined);
}

/** Short name of the line a call was taken on, for the settings task (M4 c): it must say what to bind. */
export function describeLine(ref: EmployeeRef | undefined, lineNumber?: string): string {
  if (ref?.sip) return `SIP ${ref.sip}`;
  if (ref?.extension) return `ext. ${ref.extension}`;
  if (ref?.phone) return ref.phone;
  if (ref?.staffId) return `staff code ${ref.staffId}`;
  return lineNumber ? `${lineNumber} (no employee reported)` : '(unknown: no employee reported)';
}
