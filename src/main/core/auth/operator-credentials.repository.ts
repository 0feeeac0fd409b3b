import type { SettingsStore } from '../ports/storage';
import type { OperatorRole } from '../../../shared/operator-roles';
import { isPassphraseHash, type PassphraseHash } from './passphrase-hash';

const keyOf = (role: OperatorRole): string => `auth.passphrase.${role}`;

/** The per-role passphrase hashes, kept in the settings table (JSON values). */
export class OperatorCredentials {
  constructor(private readonly settings: SettingsStore) {}

  /**
   * null = no passphrase set. A value that is there but malformed is 'unreadable': the role
   * stays protected (fail closed) rather than silently opening on a damaged row.
   */
  get(role: OperatorRole): PassphraseHash | 'unreadable' | null {
    const value = this.settings.get(keyOf(role));
    if (value === undefined || value === null) return null;
    return isPassphraseHash(value) ? value : 'unreadable';
  }

  /**
   * Which credential the role has now: its random salt, new at every set (null: none). Read
   * from the database on every request, so a change made by another process (the CLI) is
   * seen at once; sessions remember the one they were opened with.
   */
  generation(role: OperatorRole): string | null {
    const stored = this.get(role);
    if (stored === null) return null;
    return stored === 'unreadable' ? 'unreadable' : stored.saltHex;
  }

  set(role: OperatorRole, hash: PassphraseHash | null): void {
    this.settings.set(keyOf(role), hash);
  }
}
