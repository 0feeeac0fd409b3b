import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { StationError } from '../../../shared/errors';
import { LIMITS } from '../../../shared/limits';
import type { SiteSync } from '../../core/site/site-sync.service';
import type { Station } from '../../core/station.service';
import { EXIT, type Output } from './cli-output';
import type { SiteArgs } from './site-args';

const weeklyWindows = z
  .array(
    z
      .object({
        days: z.array(z.number().int().min(1).max(7)).min(1).max(7),
        from: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM'),
        to: z.string().regex(/^([01]\d|2[0-4]):[0-5]\d$/, 'HH:MM'),
      })
      .strict(),
  )
  .max(50);

const doorSettings = z
  .object({
    policy: z.record(z.string(), z.unknown()).optional(),
    liveness: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

const nameSchema = z.string().trim().min(1).max(64);

function name(value: string): string {
  const r = nameSchema.safeParse(value);
  if (!r.success) throw new StationError('BAD_REQUEST', `"${value}": names are 1-64 characters`);
  return r.data;
}

/**
 * The site's versioned writes from the command line: a person's employee id, groups and
 * schedule; schedules; groups; this door's settings. Each goes to the site on the version this
 * station holds (or --expect-version), so two admins editing one record get SITE_CONFLICT
 * naming who changed it, and the second edit changes nothing.
 */
export async function siteEditCommand(
  station: Station,
  sync: SiteSync,
  out: Output,
  rest: string[],
  v: SiteArgs,
): Promise<number> {
  const [what, verb, target, ...extra] = rest;
  if (extra.length > 0)
    throw new StationError('BAD_REQUEST', `unexpected arguments: ${extra.join(' ')}`);
  const expected = parseExpected(v['expect-version']);
  let version: number;
  let text: string;
  if (what === 'person' && verb === 'set' && target) {
    const person = onePerson(station, target);
    version = await sync.editPerson(person.id, personEdit(v), expected);
    text = `${person.name} (${person.id}) is now at version ${version}.`;
  } else if (
    (what === 'schedule' || what === 'group') &&
    (verb === 'set' || verb === 'delete') &&
    target
  ) {
    const key = name(target);
    const value =
      verb === 'delete'
        ? null
        : what === 'schedule'
          ? readJson(v.file, weeklyWindows)
          : { schedule: v.schedule ?? null };
    version = await sync.putAccess(what, key, value, expected);
    text =
      verb === 'delete'
        ? `${what} ${key} deleted.`
        : `${what} ${key} is now at version ${version}.`;
  } else if (what === 'door' && verb === 'set' && target === undefined) {
    const door = station.access.identity().id;
    version = await sync.putAccess(
      'door',
      door,
      checkedDoorSettings(station, readJson(v.file, doorSettings)),
      expected,
    );
    text = `Door ${door}'s site settings are now at version ${version}.`;
  } else {
    throw new StationError(
      'BAD_REQUEST',
      'try: site person set NAME-or-ID ... | site schedule set|delete NAME | site group set|delete NAME | site door set --file JSON',
    );
  }
  out.result({ version }, () => text);
  return EXIT.ok;
}

/**
 * Validated against this station's current values before it goes to the site (an invalid
 * record would be refused by every station of the door). Policy fields stay partial (the
 * directory's schedules and groups are never the door's); liveness is stored whole.
 */
function checkedDoorSettings(station: Station, s: z.infer<typeof doorSettings>) {
  const policy = s.policy === undefined ? null : { ...station.access.policy(), ...s.policy };
  const liveness =
    s.liveness === undefined ? null : { ...station.access.liveness(), ...s.liveness };
  try {
    station.doorSettings.validate({ policy, door: null, liveness });
  } catch (err) {
    const msg = err instanceof z.ZodError ? (err.issues[0]?.message ?? 'invalid') : String(err);
    throw new StationError('BAD_REQUEST', `door settings: ${msg}`);
  }
  return { ...(s.policy ? { policy: s.policy } : {}), ...(liveness ? { liveness } : {}) };
}

function parseExpected(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new StationError('BAD_REQUEST', '--expect-version must be a version number');
  return n;
}

function personEdit(v: SiteArgs) {
  const edit: { employeeId?: string | null; groups?: string[]; schedule?: string | null } = {};
  if (v['employee-id'] !== undefined) edit.employeeId = v['employee-id'].trim() || null;
  if (v.groups !== undefined) {
    edit.groups = v.groups
      .split(',')
      .map((g) => g.trim())
      .filter((g) => g.length > 0)
      .map(name);
  }
  if (v.schedule !== undefined) edit.schedule = v.schedule.trim() || null;
  if (Object.keys(edit).length === 0) {
    throw new StationError(
      'BAD_REQUEST',
      'site person set needs --employee-id, --groups and/or --schedule',
    );
  }
  if (edit.employeeId && edit.employeeId.length > LIMITS.maxNameLength) {
    throw new StationError('BAD_REQUEST', 'employee id too long');
  }
  return edit;
}

function readJson<T>(file: string | undefined, schema: z.ZodType<T>): T {
  if (!file) throw new StationError('BAD_REQUEST', 'this command needs --file JSON');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new StationError(
      'BAD_REQUEST',
      `Cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new StationError(
      'BAD_REQUEST',
      `${file}${issue?.path.length ? ` at ${issue.path.join('.')}` : ''}: ${issue?.message ?? 'invalid'}`,
    );
  }
  return parsed.data;
}

function onePerson(station: Station, nameOrId: string) {
  const people = station.directory.find(nameOrId);
  const [one, ...more] = people;
  if (!one) throw new StationError('PERSON_NOT_FOUND', `No enrolled person matches "${nameOrId}"`);
  if (more.length > 0)
    throw new StationError(
      'BAD_REQUEST',
      `${people.length} people are called "${nameOrId}"; use the id.`,
    );
  return one;
}
