import type { Migration } from './migration.types';

/**
 * Drops `templates.image_sha256`: a plaintext photo hash let anyone with the file and a copy of a
 * photo confirm its subject is enrolled, without any key. secure_delete and vacuumAfter keep no
 * copy in free pages or the WAL.
 */
export const migration0170: Migration = {
  version: 170,
  name: 'drop-photo-hash',
  vacuumAfter: true,
  up(db) {
    db.exec('ALTER TABLE templates DROP COLUMN image_sha256');
  },
};
