import type { SettingsRepository } from '../../db/settings.repository';
import type { OperatorRole } from '../../../shared/operator-roles';
import { isPassphraseHash, type PassphraseHash } from './passphrase-hash';

const keyOf = (role: OperatorRole): string => `auth.passphrase.${role}`;

/** The per-role passphrase hashes, kept in the settings table (JSON values). */
export class OperatorCredentials {
  constructor(private readonly settings: SettingsRepository) {}

  /**
   * null = no passphrase set. A value that is there but malformed is 'unreadable': the role
   * stays protected (fail closed) rather than silently opening on a damaged row.
   */
  get(role: OperatorRole): PassphraseHash | 'unreadable' | null {
    const value = this.settings.get(keyOf(role));
    if (value === undefined || value === null) return null;
    return isPassphraseHash(value) ? value : 'unreadable';
  }

  set(role: OperatorRole, hash: PassphraseHash | null): void {
    this.settings.set(keyOf(role), hash);
  }
}
