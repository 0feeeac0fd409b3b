import type {
  ConsentRecord,
  PeopleStore,
  PersonAccessProfile,
  PersonPatch,
  PersonProfile,
} from '../core/ports/people-store';
import type { Db } from './sqlite';

export type { ConsentRecord, PersonAccessProfile, PersonPatch, PersonProfile };
import type { PersonSummary } from '../../shared/domain';

interface PersonRow {
  id: string;
  name: string;
  created_at: string;
  templates: number;
  employee_id: string | null;
  schedule: string | null;
  groups_json: string;
}

/** People, their consent records and their HR fields. All SQL about people lives here. */
export class PeopleRepository implements PeopleStore {
  private readonly insertPerson;
  private readonly insertConsent;
  private readonly insertGroup;
  private readonly selectAll;
  private readonly selectById;
  private readonly selectByName;
  private readonly selectByEmployee;
  private readonly selectGroups;
  private readonly deleteGroups;
  private readonly deleteConsents;
  private readonly deletePerson;

  constructor(private readonly db: Db) {
    this.insertPerson = db.prepare(
      'INSERT INTO people (id, name, created_at, employee_id) VALUES (?, ?, ?, ?)',
    );
    this.insertConsent = db.prepare(
      'INSERT INTO consents (person_id, text_version, purpose, granted_at, recorded_by) VALUES (?, ?, ?, ?, ?)',
    );
    this.insertGroup = db.prepare(
      'INSERT OR IGNORE INTO person_groups (person_id, group_name) VALUES (?, ?)',
    );
    // json_group_array: group names are free text (commas included), so no ad-hoc separator.
    const summary = `SELECT p.id, p.name, p.created_at, p.employee_id, p.schedule,
        (SELECT COUNT(*) FROM templates t WHERE t.person_id = p.id) AS templates,
        (SELECT json_group_array(group_name) FROM
          (SELECT group_name FROM person_groups g WHERE g.person_id = p.id ORDER BY group_name))
          AS groups_json
      FROM people p`;
    this.selectAll = db.prepare<[], PersonRow>(
      `${summary} ORDER BY p.name COLLATE NOCASE, p.created_at`,
    );
    this.selectById = db.prepare<[string], PersonRow>(`${summary} WHERE p.id = ?`);
    this.selectByName = db.prepare<[string], PersonRow>(
      `${summary} WHERE p.name = ? COLLATE NOCASE ORDER BY p.created_at`,
    );
    this.selectByEmployee = db.prepare<[string], PersonRow>(
      `${summary} WHERE p.employee_id = ? COLLATE NOCASE`,
    );
    this.selectGroups = db.prepare<[string], { group_name: string }>(
      'SELECT group_name FROM person_groups WHERE person_id = ? ORDER BY group_name',
    );
    this.deleteGroups = db.prepare('DELETE FROM person_groups WHERE person_id = ?');
    this.deleteConsents = db.prepare('DELETE FROM consents WHERE person_id = ?');
    this.deletePerson = db.prepare('DELETE FROM people WHERE id = ?');
  }

  create(
    id: string,
    name: string,
    createdAt: string,
    consent: ConsentRecord,
    profile: PersonProfile = {},
  ): void {
    this.insertPerson.run(id, name, createdAt, profile.employeeId ?? null);
    for (const g of profile.groups ?? []) this.insertGroup.run(id, g);
    this.addConsent(id, consent);
  }

  /** Another consent record for an existing person (re-enrolment with new photos). */
  addConsent(personId: string, consent: ConsentRecord): void {
    this.insertConsent.run(
      personId,
      consent.textVersion,
      consent.purpose,
      consent.grantedAt,
      consent.recordedBy,
    );
  }

  /** Changes the given fields of one person (call inside a transaction with its audit row). */
  update(personId: string, patch: PersonPatch): void {
    const sets: string[] = [];
    const params: Record<string, string | null> = { id: personId };
    if (patch.name !== undefined) {
      sets.push('name = @name');
      params.name = patch.name;
    }
    if (patch.employeeId !== undefined) {
      sets.push('employee_id = @employeeId');
      params.employeeId = patch.employeeId;
    }
    if (patch.schedule !== undefined) {
      sets.push('schedule = @schedule');
      params.schedule = patch.schedule;
    }
    if (sets.length > 0)
      this.db.prepare(`UPDATE people SET ${sets.join(', ')} WHERE id = @id`).run(params);
    if (patch.groups !== undefined) {
      this.deleteGroups.run(personId);
      for (const g of patch.groups) this.insertGroup.run(personId, g);
    }
  }

  list(): PersonSummary[] {
    return this.selectAll.all().map(toSummary);
  }

  findById(id: string): PersonSummary | undefined {
    const row = this.selectById.get(id);
    return row ? toSummary(row) : undefined;
  }

  findByName(name: string): PersonSummary[] {
    return this.selectByName.all(name).map(toSummary);
  }

  /** The person enrolled under this employee id (compared without case), if any. */
  findByEmployeeId(employeeId: string): PersonSummary | undefined {
    const row = this.selectByEmployee.get(employeeId);
    return row ? toSummary(row) : undefined;
  }

  /** Personal schedule and groups of one person (the door's schedule check); null if unknown. */
  accessProfile(personId: string): PersonAccessProfile | null {
    const row = this.db
      .prepare<[string], { schedule: string | null }>('SELECT schedule FROM people WHERE id = ?')
      .get(personId);
    if (!row) return null;
    return {
      schedule: row.schedule,
      groups: this.selectGroups.all(personId).map((g) => g.group_name),
    };
  }

  /** Every group someone is in, sorted. */
  groupNames(): string[] {
    return this.db
      .prepare<[], { g: string }>(
        'SELECT DISTINCT group_name AS g FROM person_groups ORDER BY group_name',
      )
      .all()
      .map((r) => r.g);
  }

  /** Schedule name -> how many people follow it personally. */
  personalScheduleUse(): Record<string, number> {
    const rows = this.db
      .prepare<[], { schedule: string; n: number }>(
        'SELECT schedule, COUNT(*) AS n FROM people WHERE schedule IS NOT NULL GROUP BY schedule',
      )
      .all();
    return Object.fromEntries(rows.map((r) => [r.schedule, r.n]));
  }

  /**
   * Removes the person, their consent records and group memberships (explicitly, not only
   * through ON DELETE CASCADE, so erasure does not depend on foreign_keys being on). Templates
   * and the link secret are their own repositories' business.
   */
  delete(personId: string): { person: number; consents: number } {
    const consents = this.deleteConsents.run(personId).changes;
    this.deleteGroups.run(personId);
    return { person: this.deletePerson.run(personId).changes, consents };
  }

  /** People whose record was created at or after `since` (ISO; null: everyone). */
  countCreatedSince(since: string | null): number {
    if (since === null) return this.count();
    return (
      this.db.prepare('SELECT COUNT(*) AS n FROM people WHERE created_at >= ?').get(since) as {
        n: number;
      }
    ).n;
  }

  count(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM people').get() as { n: number }).n;
  }
}

function toSummary(row: PersonRow): PersonSummary {
  return {
    id: row.id,
    name: row.name,
    templates: row.templates,
    enrolledAt: row.created_at,
    employeeId: row.employee_id,
    groups: parseGroups(row.groups_json),
    schedule: row.schedule,
  };
}

function parseGroups(json: string): string[] {
  const value: unknown = JSON.parse(json);
  return Array.isArray(value) ? value.filter((g): g is string => typeof g === 'string') : [];
}
