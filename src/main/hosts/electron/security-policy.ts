import { isAbsolute, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
// Type-only: erased at build time, so this module still loads in plain Node (unit tests).
import type { WebPreferences } from 'electron';

/**
 * The security decisions of the Electron shell as pure functions (no Electron import), so the
 * rules the door terminal relies on are unit-tested in plain Node. window-security.ts only
 * wires them to Electron's hooks.
 */

/** Where the renderer comes from: the packaged files, or the electron-vite dev server. */
export type AppOrigin =
  { kind: 'file'; rendererDir: string } | { kind: 'dev-server'; origin: string };

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * A packaged app always serves its own files: an environment variable must never be able to
 * point a kiosk at some other server. The dev server is honoured only for an unpackaged run
 * and only on loopback.
 */
export function resolveAppOrigin(opts: {
  isPackaged: boolean;
  devServerUrl: string | undefined;
  rendererDir: string;
}): AppOrigin {
  const file: AppOrigin = { kind: 'file', rendererDir: resolve(opts.rendererDir) };
  if (opts.isPackaged || !opts.devServerUrl) return file;
  const url = parseUrl(opts.devServerUrl);
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) return file;
  if (!LOOPBACK_HOSTS.has(url.hostname)) return file;
  return { kind: 'dev-server', origin: url.origin };
}

/** True when `url` is a document or resource of the app itself. */
export function isAppUrl(url: string, origin: AppOrigin): boolean {
  const parsed = parseUrl(url);
  if (!parsed) return false;
  if (origin.kind === 'dev-server') {
    return (
      (parsed.protocol === 'http:' || parsed.protocol === 'https:') &&
      parsed.origin === origin.origin
    );
  }
  // file://host/... is a network share on Windows: never the app.
  if (parsed.protocol !== 'file:' || parsed.host !== '') return false;
  let path: string;
  try {
    path = fileURLToPath(parsed);
  } catch {
    return false;
  }
  return isInside(resolve(path), origin.rendererDir);
}

/**
 * webPreferences for every window: isolated, sandboxed, no Node, no webviews. Spellcheck is off
 * because Chromium would download dictionaries from the network.
 */
export function hardenedWebPreferences(opts: {
  preload?: string;
  devTools: boolean;
}): WebPreferences {
  return {
    ...(opts.preload !== undefined ? { preload: opts.preload } : {}),
    contextIsolation: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    sandbox: true,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: false,
    devTools: opts.devTools,
  };
}

/** Navigations and redirects: only to the app's own pages. */
export function isAllowedNavigation(url: string, origin: AppOrigin): boolean {
  return isAppUrl(url, origin);
}

/**
 * Every request the renderer makes. A door terminal sends nothing anywhere: besides the app's
 * own files only in-memory URLs pass (data:, blob: — MediaPipe builds its WASM worker from
 * blobs), plus the dev server's HMR socket and DevTools during development.
 */
export function isAllowedRequest(url: string, origin: AppOrigin): boolean {
  if (isAppUrl(url, origin)) return true;
  const parsed = parseUrl(url);
  if (!parsed) return false;
  if (parsed.protocol === 'data:' || parsed.protocol === 'blob:') return true;
  if (origin.kind !== 'dev-server') return false;
  if (parsed.protocol === 'devtools:') return true;
  const dev = new URL(origin.origin);
  return (parsed.protocol === 'ws:' || parsed.protocol === 'wss:') && parsed.host === dev.host;
}

export interface PermissionQuery {
  permission: string;
  /** URL of the frame that asks; absent for checks not made for a document (service workers). */
  requestingUrl: string | undefined;
  /** Origin Chromium attributes the request to, when it gives one. */
  securityOrigin: string | undefined;
  /** Media kinds asked for: the request's `mediaTypes`, or the check's single `mediaType`. */
  mediaTypes: readonly string[];
  isMainFrame: boolean;
}

/**
 * Deny by default. The one grant: the camera (video only, never the microphone) for the app's
 * own top-level page. Screen capture, geolocation, notifications, HID/USB/serial... all denied.
 */
export function isPermissionAllowed(query: PermissionQuery, origin: AppOrigin): boolean {
  if (query.permission !== 'media' || !query.isMainFrame) return false;
  if (query.mediaTypes.length === 0 || !query.mediaTypes.every((t) => t === 'video')) return false;
  if (query.requestingUrl === undefined || !isAppUrl(query.requestingUrl, origin)) return false;
  return query.securityOrigin === undefined || isAppSecurityOrigin(query.securityOrigin, origin);
}

/** An IPC call is served only for the app's own top-level document (never an iframe). */
export function isTrustedIpcSender(
  sender: { frameUrl: string | undefined; isTopFrame: boolean },
  origin: AppOrigin,
): boolean {
  return sender.isTopFrame && sender.frameUrl !== undefined && isAppUrl(sender.frameUrl, origin);
}

/**
 * Downloads: only the review view's CSV export, which the page builds itself as a blob: URL of
 * its own origin (blob:file:///uuid, or blob:http://localhost:5173/uuid in development). A page
 * can never make the station fetch and save a file from elsewhere, and every download still
 * goes through a save dialog (window-security.ts).
 */
export function isAllowedDownload(url: string, origin: AppOrigin): boolean {
  const parsed = parseUrl(url);
  if (!parsed || parsed.protocol !== 'blob:') return false;
  // A blob URL's path is "<creator origin>/<uuid>".
  const creator = parseUrl(parsed.pathname);
  if (!creator) return false;
  if (origin.kind === 'dev-server') return creator.origin === origin.origin;
  return creator.protocol === 'file:' && creator.host === '';
}

/** A security origin ("file:///", "http://localhost:5173/") names no path, only the origin. */
function isAppSecurityOrigin(value: string, origin: AppOrigin): boolean {
  const parsed = parseUrl(value);
  if (!parsed) return false;
  if (origin.kind === 'dev-server') return parsed.origin === origin.origin;
  return parsed.protocol === 'file:' && parsed.host === '';
}

function isInside(path: string, dir: string): boolean {
  const rel = relative(dir, path);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

function parseUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}
