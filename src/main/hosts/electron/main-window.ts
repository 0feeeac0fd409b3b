import { BrowserWindow } from 'electron';
import { join } from 'node:path';
import { hardenedWebPreferences, isAppUrl, type AppOrigin } from './security-policy';
import { renderStartupErrorPage, toDataUrl } from './startup-failure';

const ERR_ABORTED = -3;

export interface MainWindowOptions {
  origin: AppOrigin;
  preloadPath: string;
  kiosk: boolean;
  devTools: boolean;
  dataDir: string;
}

/**
 * The terminal window. Hidden until the first paint (no white flash on the door screen); if the
 * renderer cannot load, the window shows the failure instead of staying invisible.
 */
export function createMainWindow(opts: MainWindowOptions): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 800,
    minWidth: 800,
    minHeight: 600,
    show: false,
    kiosk: opts.kiosk,
    title: 'Face access station',
    backgroundColor: '#1b1b1f',
    autoHideMenuBar: true,
    webPreferences: hardenedWebPreferences({ preload: opts.preloadPath, devTools: opts.devTools }),
  });
  win.once('ready-to-show', () => win.show());
  win.webContents.on('did-fail-load', (_event, code, description, url, isMainFrame) => {
    // Only a failure to load the app itself is fatal. ERR_ABORTED (-3) is what a navigation
    // cancelled by our own guards (or superseded by another load) reports: not a failure.
    if (!isMainFrame || code === ERR_ABORTED || !isAppUrl(url, opts.origin)) return;
    const message = `The terminal page did not load: ${description} (${code}) at ${url}`;
    console.error(`[station] ${message}`);
    win
      .loadURL(toDataUrl(renderStartupErrorPage({ code: 'INTERNAL', message }, opts.dataDir)))
      .catch(() => undefined);
    win.show();
  });
  // A failed load is reported through did-fail-load above; the rejection adds nothing.
  loadApp(win, opts.origin).catch(() => undefined);
  return win;
}

function loadApp(win: BrowserWindow, origin: AppOrigin): Promise<void> {
  return origin.kind === 'dev-server'
    ? win.loadURL(`${origin.origin}/`)
    : win.loadFile(join(origin.rendererDir, 'index.html'));
}
