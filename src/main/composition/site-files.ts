import { existsSync, readFileSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { StationError } from '../../shared/errors';
import {
  FileTemplateKeyStore,
  writeKeyFileExclusive,
} from '../core/crypto/file-template-key-store';
import type { TemplateKeyStore } from '../core/crypto/template-key-store';
import { writeFileAtomic } from '../core/util/atomic-file';
import { zeroFileInPlace } from '../core/util/zero-file';

/** What a joined station keeps about its site (no secret: those are the key files below). */
export interface SiteConfig {
  v: 1;
  siteId: string;
  stationId: string;
  label: string;
  doorId: string;
  /** The station's database login. */
  role: string;
  /** postgres://host:port/database?... without credentials. */
  url: string;
  keyId: string;
  joinedAt: string;
}

export function sitePaths(dataDir: string) {
  return {
    config: join(dataDir, 'site.json'),
    /** The site key, 0600, like the template key (or wrapped by the OS keychain: .safe). */
    siteKey: join(dataDir, 'keys', 'site.key'),
    siteKeyWrapped: join(dataDir, 'keys', 'site.key.safe'),
    /** This station's database password, 0600. */
    password: join(dataDir, 'keys', 'site-db.key'),
  };
}

/** The CLI's and browser mode's store of the site key; Electron may pass a keychain store. */
export function siteKeyStore(dataDir: string): FileTemplateKeyStore {
  const p = sitePaths(dataDir);
  return new FileTemplateKeyStore(p.siteKey, p.siteKeyWrapped);
}

export function readSiteConfig(dataDir: string): SiteConfig | null {
  const file = sitePaths(dataDir).config;
  if (!existsSync(file)) return null;
  const config = JSON.parse(readFileSync(file, 'utf8')) as SiteConfig;
  if (config.v !== 1) throw new StationError('DB_TOO_NEW', `${file} has an unknown format`);
  return config;
}

/** The station's site password, refused when other users can read it (as the key files). */
export function readSitePassword(dataDir: string): string {
  const file = sitePaths(dataDir).password;
  if (!existsSync(file)) {
    throw new StationError('SITE_NOT_JOINED', `${file} is missing: join the site again.`);
  }
  if (process.platform !== 'win32' && (statSync(file).mode & 0o077) !== 0) {
    throw new StationError(
      'TEMPLATE_KEY_INSECURE',
      `${file} is accessible by other users; check who could have copied it, then run \`chmod 600 ${file}\`.`,
    );
  }
  return readFileSync(file, 'utf8').trim();
}

/** Stores a joined site: key and password first (0600, never replaced), then the config. */
export function writeSiteFiles(
  dataDir: string,
  config: SiteConfig,
  secrets: { siteKey: Buffer; password: string },
  keys: TemplateKeyStore = siteKeyStore(dataDir),
): void {
  const p = sitePaths(dataDir);
  const existing = keys.load();
  if (existing && !existing.equals(secrets.siteKey)) {
    throw new StationError(
      'TEMPLATE_KEY_MISMATCH',
      `${keys.description} holds another site's key: leave that site first (station site leave).`,
    );
  }
  if (!existing) writeKeyFileExclusive(p.siteKey, secrets.siteKey);
  if (existsSync(p.password)) removeSecret(p.password);
  writeKeyFileExclusive(p.password, Buffer.from(`${secrets.password}\n`));
  writeFileAtomic(p.config, `${JSON.stringify(config, null, 2)}\n`, 0o600);
}

/** Forgets the site: config, password and key, the secrets zeroed before unlinking. */
export function removeSiteFiles(dataDir: string): void {
  const p = sitePaths(dataDir);
  for (const f of [p.config, p.password, p.siteKey, p.siteKeyWrapped]) {
    if (existsSync(f)) removeSecret(f);
  }
}

function removeSecret(file: string): void {
  zeroFileInPlace(file);
  unlinkSync(file);
}

/** The pool URL: the stored URL with this station's login put in. */
export function withLogin(url: string, role: string, password: string): string {
  const u = new URL(url);
  u.username = encodeURIComponent(role);
  u.password = encodeURIComponent(password);
  return u.toString();
}

/** The URL without any credentials (what site.json keeps and the CLI prints). */
export function withoutLogin(url: string): string {
  const u = new URL(url);
  u.username = '';
  u.password = '';
  return u.toString();
}
