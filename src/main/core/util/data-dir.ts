import { homedir } from 'node:os';
import { join } from 'node:path';

export const APP_DIR_NAME = 'face-access-station';

/**
 * The station's default data folder, matching Electron's app.getPath('userData') for this
 * app name, so the CLI, browser mode and the Electron app share one gallery by default.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.STATION_DATA_DIR) return env.STATION_DATA_DIR;
  if (process.platform === 'win32') {
    return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), APP_DIR_NAME);
  }
  if (process.platform === 'darwin')
    return join(homedir(), 'Library', 'Application Support', APP_DIR_NAME);
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), APP_DIR_NAME);
}

export interface DataPaths {
  database: string;
  galleryIndex: string;
  pepperKey: string;
  auditMacKey: string;
  /** How far the audit log was written, MAC'd, outside the database (audit-anchor.ts). */
  auditAnchor: string;
  /** Shared secret that signs door webhook requests (the receiver is configured with it). */
  doorWebhookKey: string;
  /** Template encryption key, plain (0600) for the CLI and browser mode. */
  templateKey: string;
  /** The same key wrapped by the OS keychain (Electron safeStorage); see electron/. */
  templateKeyWrapped: string;
}

export function dataPaths(dataDir: string): DataPaths {
  return {
    database: join(dataDir, 'station.sqlite'),
    galleryIndex: join(dataDir, 'gallery.faiss'),
    pepperKey: join(dataDir, 'keys', 'audit-pepper.key'),
    auditMacKey: join(dataDir, 'keys', 'audit-mac.key'),
    auditAnchor: join(dataDir, 'keys', 'audit-anchor.json'),
    doorWebhookKey: join(dataDir, 'keys', 'door-webhook.key'),
    templateKey: join(dataDir, 'keys', 'template.key'),
    templateKeyWrapped: join(dataDir, 'keys', 'template.key.safe'),
  };
}
