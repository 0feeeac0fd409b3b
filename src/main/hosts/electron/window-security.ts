import type { Session, WebContents } from 'electron';
import {
  isAllowedDownload,
  isAllowedNavigation,
  isAllowedRequest,
  isPermissionAllowed,
  type AppOrigin,
} from './security-policy';

/**
 * Wires the pure rules of security-policy.ts to Electron's hooks. Installed once per session
 * and, through app 'web-contents-created', on every WebContents before it loads anything.
 */

export function hardenWebContents(contents: WebContents, origin: AppOrigin): void {
  // No <webview>: it would be a second, unguarded browser inside the app.
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    console.warn('[security] blocked a <webview>');
  });
  contents.setWindowOpenHandler(({ url }) => {
    console.warn(`[security] blocked window.open(${url})`);
    return { action: 'deny' };
  });
  // will-frame-navigate covers the main frame and iframes alike.
  contents.on('will-frame-navigate', (event) => {
    if (isAllowedNavigation(event.url, origin)) return;
    event.preventDefault();
    console.warn(`[security] blocked navigation to ${event.url}`);
  });
  contents.on('will-redirect', (event) => {
    if (isAllowedNavigation(event.url, origin)) return;
    event.preventDefault();
    console.warn(`[security] blocked redirect to ${event.url}`);
  });
}

export function installSessionGuards(session: Session, origin: AppOrigin): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) => {
    const mediaTypes = 'mediaTypes' in details ? (details.mediaTypes ?? []) : [];
    const securityOrigin = 'securityOrigin' in details ? details.securityOrigin : undefined;
    const allowed = isPermissionAllowed(
      {
        permission,
        requestingUrl: details.requestingUrl,
        securityOrigin,
        mediaTypes,
        isMainFrame: details.isMainFrame,
      },
      origin,
    );
    if (!allowed)
      console.warn(
        `[security] denied permission request '${permission}' from ${details.requestingUrl}`,
      );
    callback(allowed);
  });
  session.setPermissionCheckHandler((_contents, permission, _requestingOrigin, details) =>
    isPermissionAllowed(
      {
        permission,
        requestingUrl: details.requestingUrl,
        securityOrigin: details.securityOrigin,
        mediaTypes: details.mediaType ? [details.mediaType] : [],
        isMainFrame: details.isMainFrame,
      },
      origin,
    ),
  );
  // HID, USB, serial, Bluetooth: a door terminal needs none of them.
  session.setDevicePermissionHandler(() => false);
  session.setBluetoothPairingHandler((_details, callback) => callback({ confirmed: false }));
  session.on('will-download', (event, item) => {
    if (!isAllowedDownload(item.getURL(), origin)) {
      event.preventDefault();
      console.warn(`[security] blocked download of ${item.getURL()}`);
      return;
    }
    // The audit CSV export: the admin picks where it goes (never a silent write).
    item.setSaveDialogOptions({
      title: 'Save audit export',
      defaultPath: item.getFilename(),
      filters: [{ name: 'CSV', extensions: ['csv'] }],
    });
  });
  session.webRequest.onBeforeRequest((details, callback) => {
    const allowed = isAllowedRequest(details.url, origin);
    if (!allowed)
      console.warn(`[security] blocked ${details.resourceType} request to ${details.url}`);
    callback({ cancel: !allowed });
  });
}
