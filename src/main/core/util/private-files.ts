import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { StationError } from '../../../shared/errors';

/** Shell-quotes a path for the command a message tells the operator to run. */
const quoted = (path: string) => `'${path.replace(/'/g, `'\\''`)}'`;

const POSIX = process.platform !== 'win32';

/**
 * The data folder holds names, consent records, person-link secrets and the operators'
 * passphrase hashes: it is created 0700, and an existing folder other users may enter is
 * tightened (its files stay what they are; the database is checked below). On Windows the
 * folder under the user profile is already private; modes do not apply there.
 */
export function preparePrivateDataFolder(dataDir: string): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (!POSIX) return;
  const s = statSync(dataDir);
  if ((s.mode & 0o077) !== 0 && s.uid === process.getuid?.()) chmodSync(dataDir, 0o700);
}

/**
 * Refuses a database, WAL, SHM or journal other users can read: as for the template key, never
 * silently trusted or changed, since someone may already have copied it (and can brute-force
 * the passphrase hashes offline). A new database is created 0600 by openDatabase, and SQLite
 * gives its WAL, SHM and journal the database file's mode.
 */
export function assertPrivateDatabase(file: string): void {
  if (!POSIX) return;
  for (const f of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`]) {
    if (!existsSync(f)) continue;
    const mode = statSync(f).mode & 0o777;
    if ((mode & 0o077) === 0) continue;
    throw new StationError(
      'DATA_INSECURE',
      `${f} is readable by other users (mode ${mode.toString(8).padStart(4, '0')}): it holds ` +
        'names, consent records and passphrase hashes. Check who could have copied it, then ' +
        `run: chmod 600 ${quoted(file)}*`,
    );
  }
}
