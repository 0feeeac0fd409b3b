import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  hardenedWebPreferences,
  isAllowedDownload,
  isAllowedNavigation,
  isAllowedRequest,
  isAppUrl,
  isPermissionAllowed,
  isTrustedIpcSender,
  resolveAppOrigin,
  type AppOrigin,
  type PermissionQuery,
} from './security-policy';

const rendererDir = resolve('/opt/station/resources/app.asar/out/renderer');
const fileOrigin: AppOrigin = { kind: 'file', rendererDir };
const devOrigin: AppOrigin = { kind: 'dev-server', origin: 'http://localhost:5173' };
const indexUrl = pathToFileURL(join(rendererDir, 'index.html')).href;

describe('resolveAppOrigin', () => {
  it('serves the packaged files even when a dev server URL is set (no env redirect of a kiosk)', () => {
    expect(
      resolveAppOrigin({ isPackaged: true, devServerUrl: 'http://localhost:5173', rendererDir }),
    ).toEqual(fileOrigin);
  });

  it('uses a loopback dev server when unpackaged', () => {
    expect(
      resolveAppOrigin({ isPackaged: false, devServerUrl: 'http://localhost:5173', rendererDir }),
    ).toEqual(devOrigin);
    expect(
      resolveAppOrigin({ isPackaged: false, devServerUrl: 'http://127.0.0.1:5174/', rendererDir }),
    ).toEqual({
      kind: 'dev-server',
      origin: 'http://127.0.0.1:5174',
    });
  });

  it('ignores a dev server that is not loopback http(s), or not a URL', () => {
    for (const devServerUrl of [
      'http://10.0.0.5:5173',
      'https://evil.example',
      'file:///tmp/x',
      'not a url',
      '',
    ]) {
      expect(resolveAppOrigin({ isPackaged: false, devServerUrl, rendererDir })).toEqual(
        fileOrigin,
      );
    }
  });
});

describe('isAppUrl', () => {
  it('accepts files inside the renderer folder, with query or hash', () => {
    expect(isAppUrl(indexUrl, fileOrigin)).toBe(true);
    expect(isAppUrl(`${indexUrl}?view=terminal#top`, fileOrigin)).toBe(true);
    expect(
      isAppUrl(pathToFileURL(join(rendererDir, 'assets', 'index-abc.js')).href, fileOrigin),
    ).toBe(true);
  });

  it('rejects other files, traversal out of the folder, sibling folders with a common prefix', () => {
    expect(isAppUrl('file:///etc/passwd', fileOrigin)).toBe(false);
    expect(isAppUrl(`${pathToFileURL(rendererDir).href}/../main/index.js`, fileOrigin)).toBe(false);
    expect(isAppUrl(`${pathToFileURL(rendererDir).href}/%2e%2e/main/index.js`, fileOrigin)).toBe(
      false,
    );
    expect(isAppUrl(pathToFileURL(`${rendererDir}-evil/index.html`).href, fileOrigin)).toBe(false);
    expect(isAppUrl(pathToFileURL(rendererDir).href, fileOrigin)).toBe(false);
  });

  it('rejects file URLs with a host (network shares) and non-file schemes in production', () => {
    expect(isAppUrl('file://server/share/index.html', fileOrigin)).toBe(false);
    expect(isAppUrl('http://localhost:5173/', fileOrigin)).toBe(false);
    expect(isAppUrl('https://example.com/', fileOrigin)).toBe(false);
    expect(isAppUrl('', fileOrigin)).toBe(false);
    expect(isAppUrl('javascript:alert(1)', fileOrigin)).toBe(false);
  });

  it('in development accepts exactly the dev server origin', () => {
    expect(isAppUrl('http://localhost:5173/', devOrigin)).toBe(true);
    expect(isAppUrl('http://localhost:5173/src/main.ts?t=1', devOrigin)).toBe(true);
    expect(isAppUrl('http://localhost:5174/', devOrigin)).toBe(false);
    expect(isAppUrl('https://localhost:5173/', devOrigin)).toBe(false);
    expect(isAppUrl('http://localhost.evil.com:5173/', devOrigin)).toBe(false);
    expect(isAppUrl('http://user@evil.com:5173/', devOrigin)).toBe(false);
    expect(isAppUrl(indexUrl, devOrigin)).toBe(false);
  });
});

describe('isAllowedNavigation', () => {
  it('allows only the app itself', () => {
    expect(isAllowedNavigation(indexUrl, fileOrigin)).toBe(true);
    expect(isAllowedNavigation('https://example.com/', fileOrigin)).toBe(false);
    expect(isAllowedNavigation('data:text/html,<h1>x</h1>', fileOrigin)).toBe(false);
    expect(isAllowedNavigation('about:blank', fileOrigin)).toBe(false);
    expect(isAllowedNavigation('chrome://gpu', fileOrigin)).toBe(false);
  });
});

describe('isAllowedRequest: a door terminal sends nothing anywhere', () => {
  it('allows app files and in-memory URLs', () => {
    expect(isAllowedRequest(indexUrl, fileOrigin)).toBe(true);
    expect(isAllowedRequest('data:image/png;base64,AAAA', fileOrigin)).toBe(true);
    expect(isAllowedRequest('blob:file:///0b6c2d1e-1111-2222-3333-444455556666', fileOrigin)).toBe(
      true,
    );
  });

  it('blocks every network destination, including loopback and telemetry hosts', () => {
    for (const url of [
      'https://www.google-analytics.com/collect',
      'https://storage.googleapis.com/mediapipe-models/face_detector.tflite',
      'http://127.0.0.1:8080/',
      'ws://localhost:5173/',
      'ftp://example.com/x',
      'devtools://devtools/bundled/inspector.html',
      'file:///home/user/.ssh/id_rsa',
    ]) {
      expect(isAllowedRequest(url, fileOrigin), url).toBe(false);
    }
  });

  it('in development also allows the HMR socket and DevTools, nothing else', () => {
    expect(isAllowedRequest('ws://localhost:5173/', devOrigin)).toBe(true);
    expect(isAllowedRequest('devtools://devtools/bundled/inspector.html', devOrigin)).toBe(true);
    expect(isAllowedRequest('ws://localhost:9999/', devOrigin)).toBe(false);
    expect(isAllowedRequest('https://cdn.jsdelivr.net/npm/x', devOrigin)).toBe(false);
  });
});

describe("isAllowedDownload: only the page's own CSV export", () => {
  it('allows blob: URLs the app page created, nothing else', () => {
    const uuid = '0b6c2d1e-1111-2222-3333-444455556666';
    expect(isAllowedDownload(`blob:file:///${uuid}`, fileOrigin)).toBe(true);
    expect(isAllowedDownload(`blob:http://localhost:5173/${uuid}`, devOrigin)).toBe(true);
    for (const url of [
      `blob:http://evil.example/${uuid}`,
      `blob:http://localhost:5173/${uuid}`,
      'https://example.com/audit.csv',
      'file:///etc/passwd',
      `data:text/csv,id`,
      'blob:not a url',
    ]) {
      expect(isAllowedDownload(url, fileOrigin), url).toBe(false);
    }
    expect(isAllowedDownload(`blob:file:///${uuid}`, devOrigin)).toBe(false);
    expect(isAllowedDownload(`blob:http://localhost:9999/${uuid}`, devOrigin)).toBe(false);
  });
});

describe('isPermissionAllowed', () => {
  const camera: PermissionQuery = {
    permission: 'media',
    requestingUrl: indexUrl,
    securityOrigin: 'file:///',
    mediaTypes: ['video'],
    isMainFrame: true,
  };

  it('grants the camera (video only) to the app page', () => {
    expect(isPermissionAllowed(camera, fileOrigin)).toBe(true);
    expect(isPermissionAllowed({ ...camera, securityOrigin: undefined }, fileOrigin)).toBe(true);
    expect(
      isPermissionAllowed(
        {
          ...camera,
          requestingUrl: 'http://localhost:5173/',
          securityOrigin: 'http://localhost:5173/',
        },
        devOrigin,
      ),
    ).toBe(true);
  });

  it('never grants the microphone, unknown media, or an empty media list', () => {
    expect(isPermissionAllowed({ ...camera, mediaTypes: ['audio'] }, fileOrigin)).toBe(false);
    expect(isPermissionAllowed({ ...camera, mediaTypes: ['video', 'audio'] }, fileOrigin)).toBe(
      false,
    );
    expect(isPermissionAllowed({ ...camera, mediaTypes: ['unknown'] }, fileOrigin)).toBe(false);
    expect(isPermissionAllowed({ ...camera, mediaTypes: [] }, fileOrigin)).toBe(false);
  });

  it('denies other origins, iframes, and checks without a document', () => {
    expect(
      isPermissionAllowed({ ...camera, requestingUrl: 'https://evil.example/' }, fileOrigin),
    ).toBe(false);
    expect(
      isPermissionAllowed({ ...camera, requestingUrl: 'file:///tmp/page.html' }, fileOrigin),
    ).toBe(false);
    expect(
      isPermissionAllowed({ ...camera, securityOrigin: 'https://evil.example' }, fileOrigin),
    ).toBe(false);
    expect(isPermissionAllowed({ ...camera, isMainFrame: false }, fileOrigin)).toBe(false);
    expect(isPermissionAllowed({ ...camera, requestingUrl: undefined }, fileOrigin)).toBe(false);
    expect(
      isPermissionAllowed({ ...camera, securityOrigin: 'http://localhost:5174' }, devOrigin),
    ).toBe(false);
  });

  it('denies every other permission, even to the app page', () => {
    for (const permission of [
      'display-capture',
      'geolocation',
      'notifications',
      'clipboard-read',
      'hid',
      'usb',
      'serial',
      'openExternal',
      'fullscreen',
      'unknown',
    ]) {
      expect(isPermissionAllowed({ ...camera, permission }, fileOrigin), permission).toBe(false);
    }
  });
});

describe('isTrustedIpcSender', () => {
  it('serves the app top frame only', () => {
    expect(isTrustedIpcSender({ frameUrl: indexUrl, isTopFrame: true }, fileOrigin)).toBe(true);
    expect(isTrustedIpcSender({ frameUrl: indexUrl, isTopFrame: false }, fileOrigin)).toBe(false);
    expect(
      isTrustedIpcSender({ frameUrl: 'https://evil.example/', isTopFrame: true }, fileOrigin),
    ).toBe(false);
    expect(isTrustedIpcSender({ frameUrl: 'data:text/html,x', isTopFrame: true }, fileOrigin)).toBe(
      false,
    );
    expect(isTrustedIpcSender({ frameUrl: undefined, isTopFrame: true }, fileOrigin)).toBe(false);
  });
});

describe('hardenedWebPreferences', () => {
  it('isolates, sandboxes and strips Node from every window', () => {
    const prefs = hardenedWebPreferences({ preload: '/app/out/preload/index.js', devTools: false });
    expect(prefs).toMatchObject({
      preload: '/app/out/preload/index.js',
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      sandbox: true,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      devTools: false,
    });
    expect(hardenedWebPreferences({ devTools: true })).not.toHaveProperty('preload');
  });
});
