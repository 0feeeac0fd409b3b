import type Database from 'better-sqlite3';
import type { ConsentRecord } from '../../src/main/db/people.repository';

/**
 * A person and their consent, inserted as the app wrote them before migration 0220 (no
 * employee id, no groups): migration tests build older schemas, which today's
 * PeopleRepository cannot write to (it prepares statements for the 0220 columns).
 */
export function insertPersonBefore0220(
  db: Database.Database,
  id: string,
  name: string,
  createdAt: string,
  consent: ConsentRecord,
): void {
  db.prepare('INSERT INTO people (id, name, created_at) VALUES (?, ?, ?)').run(id, name, createdAt);
  db.prepare(
    'INSERT INTO consents (person_id, text_version, purpose, granted_at, recorded_by) VALUES (?, ?, ?, ?, ?)',
  ).run(id, consent.textVersion, consent.purpose, consent.grantedAt, consent.recordedBy);
}
