/**
 * The HR admin's per-person fields (employee id, groups) and their rules, shared by the CLI,
 * the contract's schemas and the renderer's forms, so a value is judged the same everywhere.
 * Pure: no zod, so the renderer can use it without bundling zod.
 */

export const PERSON_FIELD_LIMITS = {
  maxEmployeeIdLength: 64,
  maxGroupLength: 64,
  maxGroupsPerPerson: 20,
  /** Schedule names as the access policy allows them (access-policy.schema.ts). */
  maxScheduleNameLength: 64,
} as const;

/**
 * C0/C1 control characters, line and paragraph separators and the bidirectional overrides and
 * isolates: invisible characters that let one id look like another in a list or a CSV.
 */
// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/;

export function hasControlCharacters(value: string): boolean {
  return INVISIBLE.test(value);
}

/**
 * Why an employee id is not acceptable, or null. Ids are matched without regard to case
 * (E0042 and e0042 are one employee), so they must be printable and trimmed.
 */
export function employeeIdProblem(value: string): string | null {
  if (value.length === 0) return 'The employee id is empty.';
  if (value !== value.trim()) return 'The employee id starts or ends with a space.';
  if (value.length > PERSON_FIELD_LIMITS.maxEmployeeIdLength)
    return `The employee id is longer than ${PERSON_FIELD_LIMITS.maxEmployeeIdLength} characters.`;
  if (hasControlCharacters(value)) return 'The employee id contains control characters.';
  return null;
}

/** Why a group name is not acceptable, or null. `;` and `,` separate groups in CSV files. */
export function groupNameProblem(value: string): string | null {
  if (value.length === 0) return 'A group name is empty.';
  if (value !== value.trim()) return `The group name "${value}" starts or ends with a space.`;
  if (value.length > PERSON_FIELD_LIMITS.maxGroupLength)
    return `The group name "${value.slice(0, 20)}…" is longer than ${PERSON_FIELD_LIMITS.maxGroupLength} characters.`;
  if (hasControlCharacters(value)) return 'A group name contains control characters.';
  if (/[;,]/.test(value)) return `The group name "${value}" contains ";" or ",".`;
  return null;
}

/** Why a list of groups is not acceptable, or null (each name, count, no repeats). */
export function groupListProblem(groups: readonly string[]): string | null {
  if (groups.length > PERSON_FIELD_LIMITS.maxGroupsPerPerson)
    return `At most ${PERSON_FIELD_LIMITS.maxGroupsPerPerson} groups per person.`;
  for (const g of groups) {
    const problem = groupNameProblem(g);
    if (problem) return problem;
  }
  const seen = new Set(groups.map((g) => g.toLowerCase()));
  if (seen.size !== groups.length) return 'A group is listed twice.';
  return null;
}

/** Why a person's name is not acceptable, or null (the contract's length, printable only). */
export function personNameProblem(value: string, maxLength: number): string | null {
  const name = value.trim();
  if (name.length === 0) return 'The name is empty.';
  if (name.length > maxLength) return `The name is longer than ${maxLength} characters.`;
  if (hasControlCharacters(name)) return 'The name contains control characters.';
  return null;
}

/** "Day shift; Lab , ;" -> ["Day shift", "Lab"]: a typed or CSV list of groups, split. */
export function splitGroups(text: string): string[] {
  return text
    .split(/[;,]/)
    .map((g) => g.trim())
    .filter((g) => g.length > 0);
}
