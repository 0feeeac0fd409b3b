import { StationError } from '../../shared/errors';
import type { PairingBundle } from '../core/site/pairing-code';
import {
  createSite,
  issuePairing,
  PAIRING_TTL_HOURS,
  pairingPassword,
  redeemPairingCode,
} from '../core/site/site-pairing';
import { SiteCipher } from '../core/site/site-cipher';
import type { SyncReport } from '../core/site/site-sync.service';
import type { Station } from '../core/station.service';
import { migrateSite } from '../db/site/migrations';
import { SiteAdminRepository } from '../db/site/site-admin.repository';
import { redeemPairing } from '../db/site/site-pairing.repository';
import { createSitePool } from '../db/site/site-pool';
import { toSiteError } from '../db/site/site-errors';
import { APP_VERSION, stationAuditKey } from './site-composition';
import {
  readSiteConfig,
  removeSiteFiles,
  siteKeyStore,
  withLogin,
  withoutLogin,
  writeSiteFiles,
} from './site-files';

/** Opens the station of the data folder (the CLI's openStation with its options). */
export type StationOpener = () => Promise<Station>;

export interface JoinResult {
  siteId: string;
  stationId: string;
  label: string;
  doorId: string;
  sync: SyncReport | null;
  /** Why the first sync did not complete (the station syncs again later). */
  syncError: string | null;
}

/**
 * A station joins a site only while it holds nobody: the site directory is the source of its
 * people, and people enrolled here alone never consented to the site. (Erase or keep them on
 * a station of their own.) Checked before a pairing code is spent.
 */
function assertJoinable(station: Station, dataDir: string): void {
  const joined = readSiteConfig(dataDir);
  if (joined) {
    throw new StationError(
      'BAD_REQUEST',
      `This station already belongs to site ${joined.siteId} as "${joined.label}"; leave it first (station site leave).`,
    );
  }
  const people = station.info.status().people;
  if (people > 0) {
    throw new StationError(
      'BAD_REQUEST',
      `This station holds ${people} enrolled people; a station joins a site empty (its people come from the site directory). Erase them first, or use another data folder.`,
    );
  }
}

/**
 * `station site init`: creates the site schema and the site in the database behind the owner
 * URL, and makes this station its first member (the admin's desk).
 */
export async function initSite(
  station: Station,
  reopen: StationOpener,
  dataDir: string,
  adminUrl: string,
  who: { label: string; doorId: string },
): Promise<JoinResult> {
  assertJoinable(station, dataDir);
  const pool = createSitePool({ url: adminUrl, max: 1, applicationName: 'station site init' });
  let bundle: PairingBundle;
  try {
    await migrateSite(pool);
    bundle = await createSite(new SiteAdminRepository(pool), who, null);
  } finally {
    await pool.end();
  }
  return completeJoin(station, reopen, dataDir, withoutLogin(adminUrl), bundle);
}

/** `station site join --url URL --code CODE`: redeems the code, stores the site, syncs. */
export async function joinSite(
  station: Station,
  reopen: StationOpener,
  dataDir: string,
  joinUrl: string,
  code: string,
): Promise<JoinResult> {
  assertJoinable(station, dataDir);
  const pool = createSitePool({ url: joinUrl, max: 1, applicationName: 'station site join' });
  let bundle: PairingBundle;
  try {
    bundle = await redeemPairingCode((lookup) => redeemPairing(pool, lookup), code);
  } finally {
    await pool.end();
  }
  return completeJoin(station, reopen, dataDir, withoutLogin(joinUrl), bundle);
}

async function completeJoin(
  station: Station,
  reopen: StationOpener,
  dataDir: string,
  url: string,
  bundle: PairingBundle,
): Promise<JoinResult> {
  const siteKey = Buffer.from(bundle.siteKey, 'base64');
  const keyId = new SiteCipher(siteKey).keyId;
  writeSiteFiles(
    dataDir,
    {
      v: 1,
      siteId: bundle.siteId,
      stationId: bundle.stationId,
      label: bundle.label,
      doorId: bundle.doorId,
      role: bundle.role,
      url,
      keyId,
      joinedAt: new Date().toISOString(),
    },
    { siteKey, password: bundle.password },
  );
  siteKey.fill(0);
  // Reopened with the site bound: the audit pepper is the site's from now on.
  station.close();
  const joined = await reopen();
  try {
    const site = joined.site;
    if (!site) throw new StationError('INTERNAL', 'the station did not bind to its site');
    await site.sync.register(stationAuditKey(dataDir), APP_VERSION);
    const door = joined.access.identity();
    if (door.id !== bundle.doorId || door.label !== bundle.label) {
      joined.doorSettings.setIdentity({ id: bundle.doorId, label: bundle.label }, 'site join');
    }
    let sync: SyncReport | null = null;
    let syncError: string | null = null;
    try {
      sync = await site.sync.syncNow();
    } catch (err) {
      syncError = err instanceof Error ? err.message : String(err);
    }
    const { siteId, stationId, label, doorId } = site.sync.identity;
    return { siteId, stationId, label, doorId, sync, syncError };
  } finally {
    await joined.site?.close();
    joined.close();
  }
}

/**
 * `station site pair --admin-url URL --label L --door D`, at a station of the site (it holds
 * the site key the bundle carries): a new station and its one-time code, and the URL to join
 * with (the pairing login only).
 */
export async function pairStation(
  dataDir: string,
  adminUrl: string,
  who: { label: string; doorId: string; ttlHours?: number | undefined },
): Promise<{ code: string; stationId: string; expiresAt: string; joinUrl: string }> {
  if (!readSiteConfig(dataDir)) {
    throw new StationError('SITE_NOT_JOINED', 'Pair new stations from a station of the site.');
  }
  const siteKey = siteKeyStore(dataDir).load();
  if (!siteKey)
    throw new StationError('TEMPLATE_KEY_MISSING', 'The site key of this station is missing.');
  const pool = createSitePool({ url: adminUrl, max: 1, applicationName: 'station site pair' });
  try {
    const admin = new SiteAdminRepository(pool);
    const issued = await issuePairing(
      admin,
      siteKey,
      who,
      who.ttlHours ?? PAIRING_TTL_HOURS,
      new Date(),
    );
    const role = `${await admin.database()}_pairing`;
    return { ...issued, joinUrl: withLogin(adminUrl, role, pairingPassword(siteKey)) };
  } finally {
    siteKey.fill(0);
    await pool.end();
  }
}

/** `station site revoke STATION --admin-url URL`: by id, label or door id (exactly one). */
export async function revokeStation(
  adminUrl: string,
  nameOrId: string,
  reason: string,
): Promise<{ stationId: string; label: string }> {
  const pool = createSitePool({ url: adminUrl, max: 1, applicationName: 'station site revoke' });
  try {
    const admin = new SiteAdminRepository(pool);
    const found = await admin.findStations(nameOrId);
    const [one, ...more] = found;
    if (!one)
      throw new StationError('BAD_REQUEST', `No station of the site matches "${nameOrId}".`);
    if (more.length > 0) {
      throw new StationError(
        'BAD_REQUEST',
        `${found.length} stations match "${nameOrId}"; use the station id.`,
      );
    }
    await admin.revoke(one.stationId, reason);
    return { stationId: one.stationId, label: one.label };
  } catch (err) {
    throw toSiteError(err);
  } finally {
    await pool.end();
  }
}

/** `station site leave`: see SiteSync.leave; then the site files are removed. */
export async function leaveSite(
  station: Station,
  dataDir: string,
): Promise<{ told: boolean; erased: number; verified: boolean }> {
  const site = station.site;
  if (!site) throw new StationError('SITE_NOT_JOINED', 'This station has not joined a site.');
  const ids = station.directory.list().map((p) => p.id);
  const r = await site.sync.leave(() => station.erasure.eraseMany(ids, { source: 'site leave' }));
  await site.close();
  removeSiteFiles(dataDir);
  return { told: r.told, erased: r.erased.length, verified: r.erased.every((e) => e.verified) };
}
