import { randomBytes } from 'node:crypto';
import { LINK_SECRET_BYTES } from './migrations/0030-person-links';
import type { PersonLink, PersonLinkStore } from '../core/ports/people-store';
import type { Db } from './sqlite';

export type { PersonLink };

/** Per-person link secrets behind audit subjects (see migration 0030). Erasure destroys them. */
export class PersonLinksRepository implements PersonLinkStore {
  private readonly insert;
  private readonly select;
  private readonly remove;

  constructor(db: Db) {
    this.insert = db.prepare(
      'INSERT INTO person_links (person_id, secret, legacy) VALUES (?, ?, 0)',
    );
    this.select = db.prepare<[string], { secret: Buffer; legacy: number }>(
      'SELECT secret, legacy FROM person_links WHERE person_id = ?',
    );
    this.remove = db.prepare('DELETE FROM person_links WHERE person_id = ?');
  }

  /** A fresh random secret for a new person (call inside the enrolment transaction). */
  create(personId: string): void {
    this.insert.run(personId, randomBytes(LINK_SECRET_BYTES));
  }

  find(personId: string): PersonLink | undefined {
    const row = this.select.get(personId);
    return row ? { secret: row.secret, legacy: row.legacy === 1 } : undefined;
  }

  /** Returns how many secrets were destroyed (0 or 1). */
  delete(personId: string): number {
    return this.remove.run(personId).changes;
  }
}
