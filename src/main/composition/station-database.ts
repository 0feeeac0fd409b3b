import { dirname } from 'node:path';
import { AuditAnchorFile } from '../core/audit/audit-anchor';
import { AuditMac } from '../core/audit/audit-mac';
import { dataFolderTemplateKeyStore } from '../core/crypto/file-template-key-store';
import { TEMPLATE_FORMAT, TemplateCipher } from '../core/crypto/template-cipher';
import type { TemplateKeyStore } from '../core/crypto/template-key-store';
import { dataPaths } from '../core/util/data-dir';
import { loadOrCreateKey } from '../core/util/key-file';
import { openConnection } from '../db/connection';
import { LATEST_VERSION, migrate as runMigrations, type MigrationContext } from '../db/migrations';
import type { Db } from '../db/sqlite';

export { LATEST_VERSION };

export interface OpenDatabaseOptions {
  /** Where migrations find the template key; default: the data folder's 0600 key file. */
  templateKeys?: TemplateKeyStore;
  /**
   * 'now' (default): SQLite's quick_check before anything else. 'background': the caller runs
   * it on a worker (BackgroundIntegrityCheck) and awaits it before deciding anything.
   */
  integrityCheck?: 'now' | 'background';
}

/** Opens (creating if needed) a data folder's database and migrates it with the folder's keys. */
export function openDatabase(file: string, opts: OpenDatabaseOptions = {}): Db {
  return openConnection(file, {
    migrations: (db) => dataFolderContext(db, opts.templateKeys),
    ...(opts.integrityCheck ? { integrityCheck: opts.integrityCheck } : {}),
  });
}

/** Applies pending migrations up to `target` with the keys of the database's data folder. */
export function migrate(
  db: Db,
  target: number = LATEST_VERSION,
  ctx: MigrationContext = dataFolderContext(db),
): number {
  return runMigrations(db, target, ctx);
}

/**
 * Keys come from the data folder that holds the database file (dataPaths puts the database
 * at its top level), the same files the Station opens, so a migrated chain verifies later.
 */
export function dataFolderContext(db: Db, templateKeys?: TemplateKeyStore): MigrationContext {
  const folder = (): string => {
    if (db.memory) throw new Error('an in-memory database has no data folder for its keys');
    return dirname(db.name);
  };
  const auditMac = (): AuditMac => new AuditMac(loadOrCreateKey(dataPaths(folder()).auditMacKey));
  return {
    auditMac,
    templateSealer() {
      const store = templateKeys ?? dataFolderTemplateKeyStore(folder());
      const cipher = new TemplateCipher(store.load() ?? store.create());
      return {
        format: TEMPLATE_FORMAT,
        keyId: cipher.keyId,
        checkValue: cipher.checkValue,
        sealTemplate: (vector, at) => cipher.sealTemplate(vector, at),
      };
    },
    auditAnchor() {
      if (db.memory) return null;
      const file = new AuditAnchorFile(dataPaths(folder()).auditAnchor, auditMac());
      return {
        existingGenesis() {
          const existing = file.read();
          return typeof existing === 'string' ? null : existing.genesis;
        },
        write: (genesis, head) => file.write(genesis, head),
      };
    },
  };
}
