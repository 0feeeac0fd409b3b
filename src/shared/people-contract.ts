import { z } from 'zod';
import { LIMITS } from './limits';
import { plainTextField } from './text-fields';
import {
  PERSON_FIELD_LIMITS,
  employeeIdProblem,
  groupListProblem,
  hasControlCharacters,
  personNameProblem,
} from './person-fields';

/**
 * The HR admin's people management beside enrolment: a person's employee id, groups and
 * personal schedule, and the weekly schedules (per group) the door enforces. Schedules keep
 * the access policy's model (named weekly windows); the admin edits them by name, never by id.
 */

/** A check from person-fields.ts as a zod refinement (same words in every host). */
const checked = <T extends z.ZodType<string>>(schema: T, problem: (v: string) => string | null) =>
  schema.superRefine((value, ctx) => {
    const p = problem(value);
    if (p) ctx.addIssue({ code: 'custom', message: p });
  });

export const employeeIdSchema = checked(
  z.string().max(PERSON_FIELD_LIMITS.maxEmployeeIdLength + 1),
  employeeIdProblem,
);

export const groupListSchema = z
  .array(z.string().max(PERSON_FIELD_LIMITS.maxGroupLength + 1))
  .max(PERSON_FIELD_LIMITS.maxGroupsPerPerson + 1)
  .superRefine((groups, ctx) => {
    const p = groupListProblem(groups);
    if (p) ctx.addIssue({ code: 'custom', message: p });
  });

export const personNameSchema = checked(z.string().max(LIMITS.maxNameLength + 64), (v) =>
  personNameProblem(v, LIMITS.maxNameLength),
).transform((v) => v.trim());

export const scheduleNameSchema = checked(
  z.string().max(PERSON_FIELD_LIMITS.maxScheduleNameLength + 1),
  (v) =>
    v.trim().length === 0
      ? 'A schedule needs a name.'
      : v !== v.trim()
        ? 'A schedule name starts or ends with a space.'
        : v.length > PERSON_FIELD_LIMITS.maxScheduleNameLength
          ? `A schedule name is longer than ${PERSON_FIELD_LIMITS.maxScheduleNameLength} characters.`
          : hasControlCharacters(v)
            ? 'A schedule name contains control characters.'
            : null,
);

/** One weekly window, as the access policy stores it: days 1 = Monday .. 7 = Sunday. */
export const weeklyWindowSchema = z
  .object({
    days: z.array(z.number().int().min(1).max(7)).min(1, 'Pick at least one day.').max(7),
    from: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'A start time is HH:MM (00:00-23:59).'),
    to: z.string().regex(/^([01]\d|2[0-4]):[0-5]\d$/, 'An end time is HH:MM (00:00-24:00).'),
  })
  .strict()
  .refine((w) => w.from < w.to, { message: 'A window must end after it starts.', path: ['to'] });

export const peopleContract = {
  /** Edits one enrolled person's details (exact id); only the given fields change. Audited. */
  'people:update': z
    .object({
      personId: plainTextField(64),
      name: personNameSchema.optional(),
      /** null removes the employee id. */
      employeeId: employeeIdSchema.nullable().optional(),
      groups: groupListSchema.optional(),
      /** A schedule name from `schedules:get`; null = follow the person's groups. */
      schedule: scheduleNameSchema.nullable().optional(),
    })
    .strict(),
  'schedules:get': z.object({}).strict(),
  /** Replaces the named schedules and the group -> schedule choices. Validated, audited. */
  'schedules:set': z
    .object({
      schedules: z
        .record(scheduleNameSchema, z.array(weeklyWindowSchema).max(50))
        .refine((s) => Object.keys(s).length <= 100, 'At most 100 schedules.'),
      groupSchedules: z.record(
        z.string().max(PERSON_FIELD_LIMITS.maxGroupLength + 1),
        scheduleNameSchema,
      ),
    })
    .strict(),
} as const;

export interface WeeklyWindowView {
  days: number[];
  from: string;
  to: string;
}

/** What `schedules:get` and `schedules:set` answer. */
export interface SchedulesView {
  schedules: Record<string, WeeklyWindowView[]>;
  /** Group name -> schedule name. */
  groupSchedules: Record<string, string>;
  /** Every group some enrolled person is in, or that has a schedule; sorted. */
  groups: string[];
  /** Schedule name -> how many people follow it personally. */
  personalUse: Record<string, number>;
  /** The zone the windows are read in (the door's policy zone, else the machine's). */
  timeZone: string;
}
