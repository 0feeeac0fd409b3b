import { unlockTemplateCipher } from '../core/crypto/template-key-unlock';
import { dataFolderTemplateKeyStore } from '../core/crypto/file-template-key-store';
import type { TemplateCipher } from '../core/crypto/template-cipher';
import type { StationStores } from '../core/ports/station-stores';
import type { SiteStation } from '../core/site/site-station';
import {
  type Station,
  type StationParts,
  type StationSiteBinding,
  type StationSiteInternals,
} from '../core/station.service';
import { dataPaths } from '../core/util/data-dir';
import { assertPrivateDatabase, preparePrivateDataFolder } from '../core/util/private-files';
import { AuditLogRepository } from '../db/audit-log.repository';
import { AuditPurgeRepository } from '../db/audit-purge.repository';
import { AuditQueryRepository } from '../db/audit-query.repository';
import type { BackgroundIntegrityCheck } from '../db/integrity-check';
import { PadLiveScoresRepository } from '../db/pad-live-scores.repository';
import { PeopleRepository } from '../db/people.repository';
import { PersonLinksRepository } from '../db/person-links.repository';
import { sqliteTriggerGuard } from '../db/schema-guards';
import { SettingsRepository } from '../db/settings.repository';
import type { Db } from '../db/sqlite';
import { compactDatabase } from '../db/storage-maintenance';
import { TemplateEncryptionRepository } from '../db/template-encryption.repository';
import { TemplatesRepository } from '../db/templates.repository';
import { sqliteUnitOfWork } from '../db/unit-of-work';
import { openDatabase } from './station-database';
import { wireStation } from './station-wiring';

/** What a site binding needs beyond the station's core view: the replica writes SQL. */
export interface StationStorage {
  db: Db;
  templates: TemplatesRepository;
}

/** The site of a joined data folder (site-composition.ts), wired to this station's database. */
export interface SiteBinding {
  readonly auditPepper: Buffer;
  attach(station: StationSiteInternals, storage: StationStorage): SiteStation;
}

export interface StationOptions extends Omit<StationParts, 'site'> {
  /**
   * The database's integrity check, already running on a worker (openStation starts it first
   * thing, so it overlaps the model and gallery loads). Absent: checked when opened, in line.
   */
  integrity?: BackgroundIntegrityCheck;
  /** The site this data folder joined; absent for a single station. */
  site?: SiteBinding;
}

/**
 * The composition root of one station: opens the data folder's database (migrated, key
 * proven against its check value before any row is read), builds the stores over it and hands
 * them to the core Station. The only place that sees db/ and core/ together for a station.
 */
export function createStation(opts: StationOptions): Station {
  const templateKeys = opts.templateKeys ?? dataFolderTemplateKeyStore(opts.dataDir);
  preparePrivateDataFolder(opts.dataDir);
  assertPrivateDatabase(dataPaths(opts.dataDir).database);
  const db = openDatabase(dataPaths(opts.dataDir).database, {
    templateKeys,
    integrityCheck: opts.integrity ? 'background' : 'now',
  });
  try {
    const now = opts.now ?? (() => new Date());
    const cipher = unlockTemplateCipher(new TemplateEncryptionRepository(db), templateKeys, now);
    const { integrity, site, ...parts } = opts;
    const { stores, storage } = storesOver(db, cipher, integrity);
    return wireStation(
      stores,
      { ...parts, ...(site ? { site: bound(site, storage) } : {}) },
      cipher,
    );
  } catch (err) {
    db.close();
    throw err;
  }
}

function bound(site: SiteBinding, storage: StationStorage): StationSiteBinding {
  return { auditPepper: site.auditPepper, attach: (st) => site.attach(st, storage) };
}

function storesOver(
  db: Db,
  cipher: TemplateCipher,
  integrity: BackgroundIntegrityCheck | undefined,
): { stores: StationStores; storage: StationStorage } {
  const templates = new TemplatesRepository(db, cipher);
  const settings = new SettingsRepository(db);
  const stores: StationStores = {
    people: new PeopleRepository(db),
    links: new PersonLinksRepository(db),
    templates,
    settings,
    auditRows: new AuditLogRepository(db),
    auditPurge: new AuditPurgeRepository(db),
    auditQueries: new AuditQueryRepository(db),
    padLiveScores: new PadLiveScoresRepository(db),
    unitOfWork: sqliteUnitOfWork(db),
    compact: () => compactDatabase(db),
    triggers: sqliteTriggerGuard(db),
    verified: async () => {
      await integrity?.verify(db);
    },
    cancelCheck: () => integrity?.cancel(),
    isOpen: () => db.open,
    close: () => db.close(),
  };
  return { stores, storage: { db, templates } };
}
