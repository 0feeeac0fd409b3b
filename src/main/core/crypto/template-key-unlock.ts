import { StationError } from '../../../shared/errors';
import type { TemplateEncryptionStore } from '../ports/template-store';
import { TEMPLATE_FORMAT, TemplateCipher } from './template-cipher';
import type { TemplateKeyStore } from './template-key-store';

/**
 * Loads the template key and proves it is the one the database's templates were sealed with
 * (key check value), before any row is decrypted.
 *
 * - No key stored and templates exist: TEMPLATE_KEY_MISSING. A new key would silently orphan
 *   every template, so the station refuses and says where the key should be.
 * - A key whose check value differs and templates exist: TEMPLATE_KEY_MISMATCH.
 * - No templates at all: nothing can be orphaned, so the key at hand (or a new one) is adopted
 *   and recorded. That lets a data folder whose key was lost be reused once it is empty.
 */
export function unlockTemplateCipher(
  repo: TemplateEncryptionStore,
  store: TemplateKeyStore,
  now: () => Date,
): TemplateCipher {
  return repo.exclusively(() => {
    const record = repo.get();
    const templates = repo.templateCount();
    let key = store.load();
    if (key === null) {
      if (templates > 0) {
        const keyId = record ? ` (key id ${record.keyId})` : '';
        throw new StationError(
          'TEMPLATE_KEY_MISSING',
          `${templates} face template(s) are encrypted${keyId}, but the ${store.description} is ` +
            'missing. Restore it from the backup taken with the database; the station will not ' +
            'create a new key, which would make the templates unreadable.',
        );
      }
      key = store.create();
    }
    const cipher = new TemplateCipher(key);
    key.fill(0);
    if (record && record.checkValue !== cipher.checkValue && templates > 0) {
      throw new StationError(
        'TEMPLATE_KEY_MISMATCH',
        `The ${store.description} (key id ${cipher.keyId}) is not the key this database's ` +
          `${templates} template(s) were encrypted with (key id ${record.keyId}). Restore the ` +
          'matching key file, or open the data folder the key belongs to.',
      );
    }
    const strays = repo.countNotSealedWith(cipher.keyId);
    if (strays > 0) {
      throw new StationError(
        'TEMPLATE_KEY_MISMATCH',
        `${strays} template(s) are not sealed with key ${cipher.keyId} (another key, or ` +
          'plaintext written outside the station).',
      );
    }
    if (!record || record.checkValue !== cipher.checkValue || record.format !== TEMPLATE_FORMAT) {
      repo.save({
        format: TEMPLATE_FORMAT,
        keyId: cipher.keyId,
        checkValue: cipher.checkValue,
        createdAt: now().toISOString(),
      });
    }
    return cipher;
  });
}
