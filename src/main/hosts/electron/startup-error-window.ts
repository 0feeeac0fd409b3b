import { app, BrowserWindow, dialog } from 'electron';
import type { ErrorPayload } from '../../../shared/errors';
import { hardenedWebPreferences } from './security-policy';
import { renderStartupErrorPage, startupHint, toDataUrl } from './startup-failure';

/**
 * Shows why the station could not start, instead of a blank or hanging window. The page is a
 * static data: URL rendered with JavaScript off; closing it quits with exit code 1.
 */
export function showStartupError(
  error: ErrorPayload,
  opts: { dataDir: string; kiosk: boolean },
): void {
  console.error(`[station] start-up failed: ${error.code}: ${error.message}`);
  try {
    const win = new BrowserWindow({
      width: 900,
      height: 600,
      kiosk: opts.kiosk,
      title: `Station could not start (${error.code})`,
      backgroundColor: '#1b1b1f',
      autoHideMenuBar: true,
      webPreferences: { ...hardenedWebPreferences({ devTools: false }), javascript: false },
    });
    win.on('closed', () => app.exit(1));
    win.loadURL(toDataUrl(renderStartupErrorPage(error, opts.dataDir))).catch((err: unknown) => {
      fallbackDialog(error, err);
    });
  } catch (err) {
    fallbackDialog(error, err);
  }
}

/** Last resort when not even a window can be shown: a native box, then exit. */
function fallbackDialog(error: ErrorPayload, cause: unknown): void {
  console.error('[station] could not show the start-up error window:', cause);
  dialog.showErrorBox(
    `Station could not start (${error.code})`,
    `${error.message}\n\n${startupHint(error.code)}`,
  );
  app.exit(1);
}
