import { dirname } from 'node:path';
import { dataFolderTemplateKeyStore } from '../../src/main/core/crypto/file-template-key-store';
import type { TemplateCipher } from '../../src/main/core/crypto/template-cipher';
import { unlockTemplateCipher } from '../../src/main/core/crypto/template-key-unlock';
import type { Db } from '../../src/main/db/connection';
import { TemplateEncryptionRepository } from '../../src/main/db/template-encryption.repository';

/**
 * The template cipher a Station would use for this database: the 0600 key file in the folder
 * that holds the database file, checked against the database's key check value.
 */
export function templateCipherFor(db: Db): TemplateCipher {
  return unlockTemplateCipher(
    new TemplateEncryptionRepository(db),
    dataFolderTemplateKeyStore(dirname(db.name)),
    () => new Date(),
  );
}
