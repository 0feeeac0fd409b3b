import { readFileSync } from 'node:fs';
import { StationError } from '../../shared/errors';
import type { TemplateKeyStore } from '../core/crypto/template-key-store';
import { SiteChainVerifier } from '../core/site/site-chain-verifier';
import { SiteCipher } from '../core/site/site-cipher';
import { SitePuller } from '../core/site/site-pull';
import { SitePusher } from '../core/site/site-push';
import { SiteReviewService } from '../core/site/site-review.service';
import { SiteStation } from '../core/site/site-station';
import { SiteSync } from '../core/site/site-sync.service';
import type { Station } from '../core/station.service';
import { dataPaths } from '../core/util/data-dir';
import { SiteAuditRepository } from '../db/site/site-audit.repository';
import { SiteDirectoryRepository } from '../db/site/site-directory.repository';
import { createSitePool } from '../db/site/site-pool';
import { SiteReplicaRepository } from '../db/site-replica.repository';
import { readSiteConfig, readSitePassword, siteKeyStore, withLogin } from './site-files';
import type { SiteBinding } from './station-composition';

export const APP_VERSION = '0.1.0';

/**
 * Changes per pulled page (one SQLite commit each). Only a catch-up fills pages; a new
 * station's first sync of 100k people took 71 s with 5000 against 78-87 s with 2000 (fewer
 * commits, each a WAL write, fsync and checkpoint; docs/BENCHMARKS.md, "Site on PostgreSQL"),
 * at ~15k sealed templates (~100 MB while fetched and applied) per page.
 */
const PULL_PAGE_SIZE = 5000;

export interface SiteBindingOptions {
  /** Where the site key lives (Electron: the OS keychain); default keys/site.key (0600). */
  siteKeys?: TemplateKeyStore;
  /** Changes per pulled page (one local transaction each). */
  pageSize?: number;
  /** How often pulls write the gallery index file at most (SitePullDeps.indexSaveEveryMs). */
  indexSaveEveryMs?: number;
  intervalMs?: number;
  log?: (line: string) => void;
}

/**
 * The one place a station is wired to its site: the site's PostgreSQL repositories (db/site),
 * the station's SQLite replica (db/site-replica.repository.ts) and the rules (core/site).
 * Null when the data folder never joined a site: then nothing of this runs.
 */
export function siteBindingFor(dataDir: string, opts: SiteBindingOptions = {}): SiteBinding | null {
  const config = readSiteConfig(dataDir);
  if (!config) return null;
  const keys = opts.siteKeys ?? siteKeyStore(dataDir);
  const siteKey = keys.load();
  if (!siteKey) {
    throw new StationError(
      'TEMPLATE_KEY_MISSING',
      `This station joined site ${config.siteId}, but its site key (${keys.description}) is missing.`,
    );
  }
  const cipher = new SiteCipher(siteKey);
  siteKey.fill(0);
  if (cipher.keyId !== config.keyId) {
    throw new StationError(
      'TEMPLATE_KEY_MISMATCH',
      `The site key at hand (key id ${cipher.keyId}) is not site ${config.siteId}'s (${config.keyId}).`,
    );
  }
  const url = withLogin(config.url, config.role, readSitePassword(dataDir));
  return {
    auditPepper: cipher.auditPepper,
    attach(st, storage) {
      const pool = createSitePool({ url, max: 2, applicationName: `station ${config.label}` });
      const dir = new SiteDirectoryRepository(pool);
      const audit = new SiteAuditRepository(pool);
      const replica = new SiteReplicaRepository(storage.db, storage.templates);
      const now = st.now;
      const puller = new SitePuller({
        dir,
        replica,
        cipher,
        gallery: st.gallery,
        erasure: st.erasure,
        audit: st.audit,
        access: st.access,
        modelId: st.modelId,
        embeddingSpace: st.embeddingSpace,
        now,
        pageSize: opts.pageSize ?? PULL_PAGE_SIZE,
        ...(opts.indexSaveEveryMs === undefined ? {} : { indexSaveEveryMs: opts.indexSaveEveryMs }),
      });
      const pusher = new SitePusher({ dir, audit, replica, stationId: config.stationId, now });
      const verifier = new SiteChainVerifier(audit, cipher);
      const sync = new SiteSync({
        identity: {
          siteId: config.siteId,
          stationId: config.stationId,
          label: config.label,
          doorId: config.doorId,
        },
        dir,
        replica,
        cipher,
        puller,
        pusher,
        verifier,
        audit: st.audit,
        now,
        ...(opts.intervalMs === undefined ? {} : { intervalMs: opts.intervalMs }),
        ...(opts.log ? { log: opts.log } : {}),
      });
      const review = new SiteReviewService({
        audit,
        verifier,
        findPeople: st.findPeople,
        subjectsOf: st.subjectsOf,
      });
      let ended: Promise<void> | null = null;
      return new SiteStation(sync, review, () => (ended ??= pool.end()));
    },
  };
}

/**
 * Before a joined station serves: the site's tombstones beyond its cursor are applied (a
 * station back after a month erases first). Waits at most `timeoutMs` for the site; an
 * unreachable site means the station serves from its replica as it stands (offline-first).
 */
export async function catchUpWithSite(
  station: Station,
  timeoutMs: number,
  log: (line: string) => void = () => undefined,
): Promise<void> {
  const site = station.site;
  if (!site) return;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((res) => {
    timer = setTimeout(() => res('timeout'), timeoutMs);
    timer.unref();
  });
  try {
    const r = await Promise.race([site.sync.catchUp(), deadline]);
    if (r === 'timeout')
      log(`site: no answer within ${timeoutMs} ms; serving from the local replica`);
    else if (r > 0) log(`site: ${r} erasure(s) applied before serving`);
  } catch (err) {
    log(
      `site: ${err instanceof Error ? err.message : String(err)}; serving from the local replica`,
    );
  } finally {
    clearTimeout(timer);
  }
}

/** The station's audit MAC key (the site receives it sealed under the site key). */
export function stationAuditKey(dataDir: string): Buffer {
  return readFileSync(dataPaths(dataDir).auditMacKey);
}
