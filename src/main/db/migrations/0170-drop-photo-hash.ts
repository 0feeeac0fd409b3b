import type { Migration } from './migration.types';

/**
 * Removes `templates.image_sha256`. It held the plaintext SHA-256 of each enrolment photo:
 * anyone with the database file and a copy of a photo (a social-media picture, a badge photo)
 * could confirm that its subject is enrolled here, without any key. Nothing needed it: a photo
 * given twice in one request is caught in memory, and the same person enrolled twice is caught
 * by face search (duplicate_person), so no keyed replacement is stored either.
 *
 * DROP COLUMN rewrites every row; with secure_delete the old cells are zeroed, and vacuumAfter
 * rewrites the file and truncates the WAL so no copy of a hash survives in free pages.
 */
export const migration0170: Migration = {
  version: 170,
  name: 'drop-photo-hash',
  vacuumAfter: true,
  up(db) {
    db.exec('ALTER TABLE templates DROP COLUMN image_sha256');
  },
};
