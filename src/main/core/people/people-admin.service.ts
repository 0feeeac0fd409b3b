import type { PersonSummary } from '../../../shared/domain';
import { StationError } from '../../../shared/errors';
import type { SchedulesView, WeeklyWindowView } from '../../../shared/people-contract';
import type { PeopleStore, PersonPatch } from '../ports/people-store';
import type { UnitOfWork } from '../ports/storage';
import { accessPolicySchema, type AccessPolicy } from '../access/access-policy.schema';
import type { AccessSettings } from '../access/access-settings.service';
import type { AuditRecorder } from '../audit/audit-recorder';

export interface PeopleAdminDeps {
  unitOfWork: UnitOfWork;
  people: PeopleStore;
  access: AccessSettings;
  audit: AuditRecorder;
  /** The zone the schedules are read in (policy zone, else the machine's). */
  timeZone: () => string;
  /** This station's door id, written into schedule changes like every door settings row. */
  doorId: () => string;
  /**
   * A station of a site: people and schedules are the site's versioned records, so
   * edits go to the site (on the version held here: a concurrent edit is SITE_CONFLICT) and
   * come back by its pull, which writes them here and audits them. Absent: a lone station.
   */
  site?: (() => PeopleSitePort) | undefined;
}

/** The site writes people administration needs (SiteSync implements them). */
export interface PeopleSitePort {
  editPerson(personId: string, edit: SitePersonPatch): Promise<number>;
  /** All of them in one site transaction, or none. */
  putAccessAll(
    writes: readonly { entity: 'schedule' | 'group'; name: string; value: unknown }[],
  ): Promise<number[]>;
}

export interface SitePersonPatch {
  name?: string;
  employeeId?: string | null;
  schedule?: string | null;
  groups?: string[];
}

export interface PersonEdit extends PersonPatch {
  personId: string;
}

/**
 * The HR admin's people management: names, employee ids, groups and schedules. Every change is
 * validated against the policy and audited in the same transaction, naming the person only by
 * pseudonym and listing changed fields, not values.
 */
export class PeopleAdminService {
  constructor(private readonly d: PeopleAdminDeps) {}

  async update(edit: PersonEdit, changedBy: string): Promise<PersonSummary> {
    const person = this.d.people.findById(edit.personId);
    if (!person)
      throw new StationError('PERSON_NOT_FOUND', `No enrolled person has id ${edit.personId}`);
    if (edit.employeeId != null) {
      const holder = this.d.people.findByEmployeeId(edit.employeeId);
      if (holder && holder.id !== person.id)
        throw new StationError(
          'BAD_REQUEST',
          `Employee id ${edit.employeeId} is already used by ${holder.name}.`,
        );
    }
    if (edit.schedule != null && !this.scheduleNames().has(edit.schedule))
      throw new StationError('BAD_REQUEST', `There is no schedule named "${edit.schedule}".`);
    const fields = changedFields(person, edit);
    if (fields.length === 0) return person;
    const site = this.d.site?.();
    if (site) {
      await site.editPerson(person.id, sitePatch(edit, fields));
      return this.d.people.findById(person.id) ?? person;
    }
    this.d.unitOfWork.transaction(() => {
      this.d.people.update(person.id, edit);
      this.d.audit.record({
        kind: 'enrolment',
        decision: null,
        personId: person.id,
        similarity: null,
        details: { change: 'details', fields, changedBy },
      });
    });
    return this.d.people.findById(person.id)!;
  }

  schedules(): SchedulesView {
    const policy = this.d.access.policy();
    const groups = new Set([...this.d.people.groupNames(), ...Object.keys(policy.groupSchedules)]);
    return {
      schedules: structuredClone(policy.schedules),
      groupSchedules: { ...policy.groupSchedules },
      groups: [...groups].sort((a, b) => a.localeCompare(b)),
      personalUse: this.d.people.personalScheduleUse(),
      timeZone: this.d.timeZone(),
    };
  }

  /**
   * Replaces the named schedules and the group choices. Refused while a person still follows
   * a schedule that would disappear (the door would then refuse them at every hour).
   */
  async setSchedules(
    next: { schedules: Record<string, WeeklyWindowView[]>; groupSchedules: Record<string, string> },
    changedBy: string,
  ): Promise<SchedulesView> {
    const names = new Set(Object.keys(next.schedules));
    for (const [name, count] of Object.entries(this.d.people.personalScheduleUse()))
      if (!names.has(name))
        throw new StationError(
          'BAD_REQUEST',
          `The schedule "${name}" is still the personal schedule of ${count} ` +
            `${count === 1 ? 'person' : 'people'}: choose another one for them first.`,
        );
    for (const [group, name] of Object.entries(next.groupSchedules))
      if (!names.has(name))
        throw new StationError(
          'BAD_REQUEST',
          `The group "${group}" follows "${name}", which is not among the schedules.`,
        );
    const site = this.d.site?.();
    if (site) {
      const before = this.d.access.policy();
      const checked = accessPolicySchema.safeParse({ ...before, ...next });
      if (!checked.success)
        throw new StationError(
          'BAD_REQUEST',
          `The schedules are not valid: ${checked.error.issues[0]?.message ?? 'invalid'}`,
        );
      await publishSchedules(site, before, next);
      return this.schedules();
    }
    this.d.unitOfWork.transaction(() => {
      const policy = this.d.access.policy();
      const value = { schedules: next.schedules, groupSchedules: next.groupSchedules };
      try {
        this.d.access.setPolicy({ ...policy, ...value });
      } catch (err) {
        throw new StationError('BAD_REQUEST', `The schedules are not valid: ${String(err)}`);
      }
      this.d.audit.recordSettings({
        setting: 'schedules',
        door: this.d.doorId(),
        changedBy,
        value,
      });
    });
    return this.schedules();
  }

  private scheduleNames(): Set<string> {
    return new Set(Object.keys(this.d.access.policy().schedules));
  }
}

/** Names of the fields an edit really changes (for the audit row; values stay out of it). */
function changedFields(p: PersonSummary, e: PersonEdit): string[] {
  const fields: string[] = [];
  if (e.name !== undefined && e.name !== p.name) fields.push('name');
  if (e.employeeId !== undefined && e.employeeId !== p.employeeId) fields.push('employeeId');
  if (e.schedule !== undefined && e.schedule !== p.schedule) fields.push('schedule');
  if (e.groups !== undefined && [...e.groups].sort().join('\n') !== p.groups.join('\n'))
    fields.push('groups');
  return fields;
}

/** The edit's changed fields, as the site takes them. */
function sitePatch(e: PersonEdit, fields: string[]): SitePersonPatch {
  const out: SitePersonPatch = {};
  if (fields.includes('name') && e.name !== undefined) out.name = e.name;
  if (fields.includes('employeeId') && e.employeeId !== undefined) out.employeeId = e.employeeId;
  if (fields.includes('schedule') && e.schedule !== undefined) out.schedule = e.schedule;
  if (fields.includes('groups') && e.groups !== undefined) out.groups = [...e.groups];
  return out;
}

/**
 * Writes the schedules and group choices that differ from the door's current ones to the site
 * in one transaction: new and changed schedules first, then groups (which name them), removed
 * schedules last, so no group ever follows a schedule the site lacks.
 */
async function publishSchedules(
  site: PeopleSitePort,
  before: AccessPolicy,
  next: { schedules: Record<string, WeeklyWindowView[]>; groupSchedules: Record<string, string> },
): Promise<void> {
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  const writes: { entity: 'schedule' | 'group'; name: string; value: unknown }[] = [];
  for (const [name, windows] of Object.entries(next.schedules))
    if (!Object.hasOwn(before.schedules, name) || !same(before.schedules[name], windows))
      writes.push({ entity: 'schedule', name, value: windows });
  const groups = new Set([
    ...Object.keys(before.groupSchedules),
    ...Object.keys(next.groupSchedules),
  ]);
  for (const group of groups) {
    const was = Object.hasOwn(before.groupSchedules, group) ? before.groupSchedules[group] : null;
    const now = Object.hasOwn(next.groupSchedules, group) ? next.groupSchedules[group]! : null;
    if (was !== now)
      writes.push({ entity: 'group', name: group, value: now === null ? null : { schedule: now } });
  }
  for (const name of Object.keys(before.schedules))
    if (!Object.hasOwn(next.schedules, name))
      writes.push({ entity: 'schedule', name, value: null });
  if (writes.length > 0) await site.putAccessAll(writes);
}
