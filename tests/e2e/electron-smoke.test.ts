import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_METHODS, BRIDGE_KEY, type StationApi } from '../../src/shared/contract';
import { makeTempDir } from '../support/temp-dir';

/**
 * Smoke test of the real Electron shell: build with electron-vite, launch, check the window, the
 * bridge and the guards. Skips itself (saying why) where the Electron binary is not installed.
 */

const ROOT = resolve(import.meta.dirname, '..', '..');
const require = createRequire(import.meta.url);

type BinaryLookup = { ok: true; path: string } | { ok: false; reason: string };

/**
 * Finds the binary the way node_modules/electron/index.js does, without calling it: that module
 * starts a download from GitHub when the binary is missing, and a test must not go online.
 */
function findElectronBinary(): BinaryLookup {
  let pkgDir: string;
  try {
    pkgDir = dirname(require.resolve('electron/package.json'));
  } catch (err) {
    return { ok: false, reason: `the electron package is not installed (${String(err)})` };
  }
  const pathFile = join(pkgDir, 'path.txt');
  if (!existsSync(pathFile)) {
    return {
      ok: false,
      reason: `${pathFile} is missing: the binary was never downloaded (no network to its host here)`,
    };
  }
  const relative = readFileSync(pathFile, 'utf8').trim();
  const distDir = process.env.ELECTRON_OVERRIDE_DIST_PATH ?? join(pkgDir, 'dist');
  const binary = join(distDir, relative);
  if (!existsSync(binary)) return { ok: false, reason: `${binary} does not exist` };
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return { ok: false, reason: 'no display: run the e2e tests under xvfb-run' };
  }
  return { ok: true, path: binary };
}

const electron = findElectronBinary();
if (!electron.ok)
  console.warn(`[electron-smoke] skipped: Electron binary not installed here: ${electron.reason}`);

/**
 * The page's globals, typed here because this project compiles tests without the DOM lib; the
 * callbacks passed to page.evaluate run in the renderer, where globalThis is `window`.
 */
type PageGlobals = Record<string, unknown> & {
  station: StationApi;
  open: (url: string) => unknown;
  location: { href: string };
};

/** A host name that can never resolve (RFC 2606), so even a failed guard sends nothing. */
const FOREIGN_URL = 'https://station-test.invalid/';

async function launch(executablePath: string, args: string[]): Promise<ElectronApplication> {
  const env = { ...process.env } as Record<string, string>;
  delete env.ELECTRON_RENDERER_URL;
  delete env.STATION_KIOSK;
  return _electron.launch({ executablePath, args: ['.', ...args], cwd: ROOT, env });
}

describe.skipIf(!electron.ok)('Electron shell (smoke)', () => {
  const binary = electron.ok ? electron.path : '';
  let app: ElectronApplication;
  let page: Page;
  let data: ReturnType<typeof makeTempDir>;

  beforeAll(async () => {
    execFileSync(
      process.execPath,
      [require.resolve('electron-vite/bin/electron-vite.js'), 'build'],
      {
        cwd: ROOT,
        stdio: 'inherit',
      },
    );
    data = makeTempDir('station-electron-');
    app = await launch(binary, [`--data-dir=${data.dir}`]);
    page = await app.firstWindow();
    await page.waitForLoadState('domcontentloaded');
  });

  afterAll(async () => {
    await app?.close();
    data?.cleanup();
  });

  it('shows the terminal page from the packaged renderer files', async () => {
    expect(page.url()).toMatch(/^file:\/\/.*\/out\/renderer\/index\.html/);
    await expect(page.title()).resolves.not.toContain('could not start');
    await page.locator('#app').waitFor({ state: 'attached' });
  });

  it('exposes exactly the contract methods on window.station and nothing of Node or IPC', async () => {
    const seen = await page.evaluate((key) => {
      const w = globalThis as unknown as Record<string, unknown>;
      const api = w[key] as Record<string, unknown>;
      return {
        methods: Object.keys(api).sort(),
        allFunctions: Object.values(api).every((v) => typeof v === 'function'),
        ipcRenderer: 'ipcRenderer' in w || 'ipcRenderer' in api,
        require: typeof w.require,
        process: typeof w.process,
      };
    }, BRIDGE_KEY);
    expect(seen).toEqual({
      methods: Object.keys(API_METHODS).sort(),
      allFunctions: true,
      ipcRenderer: false,
      require: 'undefined',
      process: 'undefined',
    });
  });

  it('serves the contract over IPC and rejects malformed payloads', async () => {
    const status = await page.evaluate(() =>
      (globalThis as unknown as PageGlobals).station.status({}),
    );
    expect(status).toMatchObject({ ok: true, value: { mode: 'electron' } });
    const bad = await page.evaluate(() =>
      (globalThis as unknown as PageGlobals).station.recentAudit({ limit: 0 }),
    );
    expect(bad).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
  });

  it('denies new windows and navigation away from the app', async () => {
    const opened = await page.evaluate(
      (url) => (globalThis as unknown as PageGlobals).open(url) === null,
      FOREIGN_URL,
    );
    expect(opened).toBe(true);
    const before = page.url();
    await page.evaluate((url) => {
      (globalThis as unknown as PageGlobals).location.href = url;
    }, FOREIGN_URL);
    await page.waitForTimeout(500);
    expect(page.url()).toBe(before);
    expect(app.windows()).toHaveLength(1);
  });

  it('shows a start-up error screen naming the code when the models are missing', async () => {
    const otherData = makeTempDir('station-electron-');
    const noModels = makeTempDir('station-no-models-');
    const broken = await launch(binary, [
      `--data-dir=${otherData.dir}`,
      `--models-dir=${noModels.dir}`,
    ]);
    try {
      const win = await broken.firstWindow();
      await win.locator('#code').waitFor();
      await expect(win.locator('#code').textContent()).resolves.toMatch(
        /^MODEL_(MISSING|TAMPERED)$/,
      );
    } finally {
      await broken.close();
      otherData.cleanup();
      noModels.cleanup();
    }
  });
});
