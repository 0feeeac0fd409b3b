import { app, BrowserWindow, safeStorage, session } from 'electron';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DOOR_STATE_EVENT } from '../shared/api-methods';
import { StationError } from '../shared/errors';
import { longArgumentProblem } from '../shared/plain-text';
import { sitePaths } from './composition/site-files';
import { createStationHandlers } from './core/ipc/station-handlers';
import { dataPaths } from './core/util/data-dir';
import { openStation } from './station-factory';
import { registerStationIpc } from './hosts/electron/ipc-registration';
import { createMainWindow } from './hosts/electron/main-window';
import { openSafeStorageKeyStore } from './hosts/electron/safe-storage-key-store';
import { resolveAppOrigin } from './hosts/electron/security-policy';
import { parseShellOptions } from './hosts/electron/shell-options';
import { showStartupError } from './hosts/electron/startup-error-window';
import { classifyStartupError, withDeadline } from './hosts/electron/startup-failure';
import { hardenWebContents, installSessionGuards } from './hosts/electron/window-security';

/**
 * Electron composition root, deliberately thin: security guards, the station core (plain TS,
 * the same as the CLI and browser mode), IPC, one window. Everything testable lives elsewhere.
 */

/** Loading models and checking the gallery takes seconds; minutes means something is stuck. */
const STARTUP_DEADLINE_MS = 180_000;

const options = parseShellOptions(process.argv, process.env);
const origin = resolveAppOrigin({
  isPackaged: app.isPackaged,
  devServerUrl: process.env.ELECTRON_RENDERER_URL,
  rendererDir: join(__dirname, '../renderer'),
});

// An explicit data folder also holds Chromium's profile and the single-instance lock, so two
// stations on two folders (e.g. parallel e2e runs) never share either.
if (options.dataDir) app.setPath('userData', resolve(options.dataDir));

// Every renderer sandboxed, and every WebContents guarded before it can load anything.
app.enableSandbox();
app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, origin));
app.on('window-all-closed', () => app.quit());

// One station per data folder: a second instance would open the same database.
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    const win = BrowserWindow.getAllWindows()[0];
    if (win?.isMinimized()) win.restore();
    win?.focus();
  });
  // Any start-up failure (tampered model, damaged database, missing native module, a stuck
  // step) ends on a screen that names it: never a blank window or a silent hang.
  app
    .whenReady()
    .then(start)
    .catch((err: unknown) => {
      showStartupError(classifyStartupError(err), {
        dataDir: app.getPath('userData'),
        kiosk: options.kiosk,
      });
    });
}

async function start(): Promise<void> {
  // Before any model loads: see longArgumentProblem.
  const longArgument = longArgumentProblem(process.argv);
  if (longArgument) throw new StationError('BAD_REQUEST', longArgument);
  installSessionGuards(session.defaultSession, origin);
  // userData: ~/.config/face-access-station on Linux, the CLI's default too (data-dir.ts).
  const dataDir = app.getPath('userData');
  const modelsDir = options.modelsDir ? resolve(options.modelsDir) : bundledModelsDir();
  // Templates are encrypted with a key the OS keychain wraps (safeStorage); see the adapter.
  const keys = await openSafeStorageKeyStore(safeStorage, dataPaths(dataDir));
  if (keys.protection === 'key-file') {
    console.warn('safeStorage has no OS keyring here: the template key is a 0600 key file.');
  }
  // A station of a site keeps the site key the same way (CLI-joined folders get it wrapped here).
  const site = sitePaths(dataDir);
  const siteKeys = existsSync(site.config)
    ? (
        await openSafeStorageKeyStore(safeStorage, {
          templateKey: site.siteKey,
          templateKeyWrapped: site.siteKeyWrapped,
        })
      ).store
    : undefined;
  const station = await withDeadline(
    // The OS locale picks the UI language until the operator chooses one (StationStatus.locale).
    openStation({
      dataDir,
      modelsDir,
      mode: 'electron',
      templateKeys: keys.store,
      siteKeys,
      locale: app.getLocale(),
    }),
    STARTUP_DEADLINE_MS,
    (late) => late.close(),
  );
  registerStationIpc(createStationHandlers(station), origin);
  // A station of a site keeps syncing in the background (none otherwise).
  station.site?.start();
  app.on('will-quit', () => station.close());
  const win = createMainWindow({
    origin,
    preloadPath: join(__dirname, '../preload/index.js'),
    kiosk: options.kiosk,
    devTools: !app.isPackaged,
    dataDir,
  });
  // The door screen, pushed to our own window only (the preload forwards it as data).
  const unsubscribe = station.terminalAdmin.subscribe((state) => {
    if (!win.isDestroyed()) win.webContents.send(DOOR_STATE_EVENT, state);
  });
  win.on('closed', unsubscribe);
}

/** Packaged: electron-builder's extraResources copy; development: the project's resources/. */
function bundledModelsDir(): string {
  return app.isPackaged
    ? join(process.resourcesPath, 'models')
    : join(app.getAppPath(), 'resources', 'models');
}
