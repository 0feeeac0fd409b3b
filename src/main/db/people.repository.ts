import type { Db } from './connection';
import type { PersonSummary } from '../../shared/domain';

interface PersonRow {
  id: string;
  name: string;
  created_at: string;
  templates: number;
}

export interface ConsentRecord {
  textVersion: string;
  purpose: string;
  grantedAt: string;
  recordedBy: string;
}

/** People and their consent records. All SQL about people lives here. */
export class PeopleRepository {
  private readonly insertPerson;
  private readonly insertConsent;
  private readonly selectAll;
  private readonly selectById;
  private readonly selectByName;
  private readonly deleteConsents;
  private readonly deletePerson;

  constructor(private readonly db: Db) {
    this.insertPerson = db.prepare('INSERT INTO people (id, name, created_at) VALUES (?, ?, ?)');
    this.insertConsent = db.prepare(
      'INSERT INTO consents (person_id, text_version, purpose, granted_at, recorded_by) VALUES (?, ?, ?, ?, ?)',
    );
    const summary = `SELECT p.id, p.name, p.created_at,
        (SELECT COUNT(*) FROM templates t WHERE t.person_id = p.id) AS templates
      FROM people p`;
    this.selectAll = db.prepare<[], PersonRow>(
      `${summary} ORDER BY p.name COLLATE NOCASE, p.created_at`,
    );
    this.selectById = db.prepare<[string], PersonRow>(`${summary} WHERE p.id = ?`);
    this.selectByName = db.prepare<[string], PersonRow>(
      `${summary} WHERE p.name = ? COLLATE NOCASE ORDER BY p.created_at`,
    );
    this.deleteConsents = db.prepare('DELETE FROM consents WHERE person_id = ?');
    this.deletePerson = db.prepare('DELETE FROM people WHERE id = ?');
  }

  create(id: string, name: string, createdAt: string, consent: ConsentRecord): void {
    this.insertPerson.run(id, name, createdAt);
    this.insertConsent.run(
      id,
      consent.textVersion,
      consent.purpose,
      consent.grantedAt,
      consent.recordedBy,
    );
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

  /**
   * Removes the person and their consent records (explicitly, not only through ON DELETE
   * CASCADE, so erasure does not depend on foreign_keys being on). Templates and the link
   * secret are their own repositories' business.
   */
  delete(personId: string): { person: number; consents: number } {
    const consents = this.deleteConsents.run(personId).changes;
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
  return { id: row.id, name: row.name, templates: row.templates, enrolledAt: row.created_at };
}
