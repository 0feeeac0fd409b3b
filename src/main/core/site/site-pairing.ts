import { randomBytes, randomUUID } from 'node:crypto';
import { StationError } from '../../../shared/errors';
import { hkdf } from './aes-gcm';
import {
  newPairingCode,
  openPairingBundle,
  pairingLookup,
  sealPairingBundle,
  type PairingBundle,
} from './pairing-code';
import { SITE_KEY_BYTES, SiteCipher } from './site-cipher';

export interface SiteMetaRecord {
  siteId: string;
  keyId: string;
  keyCheck: string;
}

export interface NewStationRecord {
  stationId: string;
  role: string;
  password: string;
  label: string;
  doorId: string;
}

/** What only the site's owner does (db/site/site-admin.repository.ts). */
export interface SiteAdminPort {
  database(): Promise<string>;
  meta(): Promise<SiteMetaRecord | null>;
  initSite(meta: SiteMetaRecord, pairingPassword: string): Promise<SiteMetaRecord>;
  createStation(s: NewStationRecord): Promise<void>;
  createPairing(lookup: string, stationId: string, sealed: Buffer, expiresAt: Date): Promise<void>;
  revoke(stationId: string, reason: string): Promise<boolean>;
  findStations(nameOrId: string): Promise<{ stationId: string; label: string; doorId: string }[]>;
}

/** How long a pairing code can be redeemed by default: long enough to walk to the door. */
export const PAIRING_TTL_HOURS = 24;

/**
 * The pairing login's password, derived from the site key: every key holder (an admin's
 * station) can hand it out in a join URL, and it can be rotated only with the key. It lets
 * its holder redeem a code and nothing else, and codes are 100-bit and single-use.
 */
export function pairingPassword(siteKey: Buffer): string {
  return hkdf(siteKey, 'face-access-station site key', 'pairing-login', 24).toString('base64url');
}

/** The station's own login: per site database, so two sites on one cluster never collide. */
export function stationRoleName(database: string, stationId: string): string {
  const db = database
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_')
    .slice(0, 30);
  return `${db}_st_${stationId.replace(/-/g, '').slice(0, 20)}`;
}

function newStation(database: string, label: string, doorId: string): NewStationRecord {
  const stationId = randomUUID();
  return {
    stationId,
    role: stationRoleName(database, stationId),
    password: randomBytes(24).toString('base64url'),
    label,
    doorId,
  };
}

/**
 * Creates the site (once: an existing site refuses another key) and its first station, the
 * admin's own, which needs no code: the admin holds the owner login already. Returns what
 * that station stores, exactly what a pairing code would have delivered.
 */
export async function createSite(
  admin: SiteAdminPort,
  station: { label: string; doorId: string },
  existingKey: Buffer | null,
): Promise<PairingBundle> {
  const siteKey = existingKey ?? randomBytes(SITE_KEY_BYTES);
  const cipher = new SiteCipher(siteKey);
  const meta = await admin.initSite(
    { siteId: randomUUID(), keyId: cipher.keyId, keyCheck: cipher.checkValue },
    pairingPassword(siteKey),
  );
  const s = newStation(await admin.database(), station.label, station.doorId);
  await admin.createStation(s);
  return { v: 1, siteId: meta.siteId, ...bundleFields(s), siteKey: siteKey.toString('base64') };
}

/**
 * A new station and its one-time pairing code. The bundle (station id, its login, the site
 * key) is sealed under a key derived from the code, so the database stores nothing it can
 * read, and whoever holds the code (the admin, then the station) opens it once.
 */
export async function issuePairing(
  admin: SiteAdminPort,
  siteKey: Buffer,
  station: { label: string; doorId: string },
  ttlHours: number,
  now: Date,
): Promise<{ code: string; stationId: string; expiresAt: string }> {
  const meta = await admin.meta();
  const cipher = new SiteCipher(siteKey);
  if (!meta)
    throw new StationError(
      'SITE_NOT_JOINED',
      'This database holds no site yet (station site init).',
    );
  if (meta.keyCheck !== cipher.checkValue) {
    throw new StationError(
      'TEMPLATE_KEY_MISMATCH',
      `This station's site key (key id ${cipher.keyId}) is not the key of site ${meta.siteId}.`,
    );
  }
  const s = newStation(await admin.database(), station.label, station.doorId);
  await admin.createStation(s);
  const code = newPairingCode();
  const bundle: PairingBundle = {
    v: 1,
    siteId: meta.siteId,
    ...bundleFields(s),
    siteKey: siteKey.toString('base64'),
  };
  const expiresAt = new Date(now.getTime() + ttlHours * 3_600_000);
  await admin.createPairing(
    pairingLookup(code),
    s.stationId,
    sealPairingBundle(bundle, code),
    expiresAt,
  );
  return { code, stationId: s.stationId, expiresAt: expiresAt.toISOString() };
}

/** Redeems a code through the pairing login and opens its bundle (SITE_PAIRING_INVALID). */
export async function redeemPairingCode(
  redeem: (lookup: string) => Promise<Buffer>,
  code: string,
): Promise<PairingBundle> {
  const sealed = await redeem(pairingLookup(code));
  return openPairingBundle(sealed, code);
}

function bundleFields(s: NewStationRecord): Omit<PairingBundle, 'v' | 'siteId' | 'siteKey'> {
  return {
    stationId: s.stationId,
    role: s.role,
    password: s.password,
    label: s.label,
    doorId: s.doorId,
  };
}
