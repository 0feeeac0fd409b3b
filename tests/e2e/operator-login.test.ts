import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRenderer, openBrowserSession, openTerminalBrowser } from '../support/browser-station';
import { chromiumAvailable } from '../support/chromium-launcher';
import { sharedDataDir } from '../support/shared-data';
import { makeTempDir } from '../support/temp-dir';
import { clipToY4m, ffmpegAvailable } from '../support/video-clips';

/**
 * Operator login in Chromium against the real station: with an admin passphrase set, the
 * Enrolment view asks for a login, a wrong passphrase is refused with a message, the right
 * one opens the view, and the (still open) reviewer view shows both login rows in the audit.
 */

const ADMIN_PASSPHRASE = 'admin passphrase for e2e';
const WAIT_MS = 60_000;

const ready = chromiumAvailable() && ffmpegAvailable();
if (!ready) console.warn('[operator-login e2e] skipped: needs /usr/bin/chromium and ffmpeg');

const fixtureDir = makeTempDir('station-login-e2e-');
let rendererDir = '';
let camera = '';

describe.skipIf(!ready)('operator login, end to end', () => {
  beforeAll(async () => {
    rendererDir = join(fixtureDir.dir, 'renderer');
    await buildRenderer(rendererDir);
    const video = join(sharedDataDir(), 'spoof', 'videos', 'apfol_real.webm');
    camera = clipToY4m(video, join(fixtureDir.dir, 'cam.y4m'), { start: 0, duration: 1 });
  });
  afterAll(() => fixtureDir.cleanup());

  it('protected Enrolment: login form, wrong passphrase refused, right one opens; audited', async () => {
    const session = await openBrowserSession({ rendererDir });
    const { station, host } = session;
    station.operators.setPassphrase('admin', ADMIN_PASSPHRASE);
    const opened = await openTerminalBrowser(camera).catch(async (err: unknown) => {
      await session.cleanup();
      throw err;
    });
    const { browser, page } = opened;
    try {
      await page.goto(host.url);
      await page.getByTestId('tab-enroll').click();
      await page.getByTestId('login-passphrase').waitFor({ timeout: WAIT_MS });
      expect(await page.getByTestId('enroll-name').count()).toBe(0);

      await page.getByTestId('login-passphrase').fill('not the passphrase');
      await page.getByTestId('login-submit').click();
      const error = page.getByTestId('login-error');
      await error.waitFor({ timeout: WAIT_MS });
      expect(await error.textContent()).toMatch(/Wrong admin passphrase/);

      await page.getByTestId('login-passphrase').fill(ADMIN_PASSPHRASE);
      await page.getByTestId('login-submit').click();
      await page.getByTestId('enroll-name').waitFor({ timeout: WAIT_MS });
      expect(await page.getByTestId('logout').isVisible()).toBe(true);
      expect(await page.getByTestId('auth-open-warning').count()).toBe(0);

      // The reviewer role has no passphrase: the audit view opens with a warning banner.
      await page.getByTestId('tab-audit').click();
      await page.getByTestId('auth-open-warning').waitFor({ timeout: WAIT_MS });
      const loginRows = page.locator('[data-testid="audit-row"][data-kind="login"]');
      await loginRows.nth(1).waitFor({ timeout: WAIT_MS });
      expect(await loginRows.count()).toBe(2);

      // Log out: the Enrolment view asks again; the server refuses the old session too.
      await page.getByTestId('logout').click();
      await page.getByTestId('tab-enroll').click();
      await page.getByTestId('login-passphrase').waitFor({ timeout: WAIT_MS });
      const facts = station
        .recentAudit(10)
        .filter((e) => e.kind === 'login')
        .map((e) => station.review.detail(e.id).facts)
        .reverse();
      expect(facts).toEqual([
        { role: 'admin', ok: false, reason: 'wrong-passphrase' },
        { role: 'admin', ok: true, reason: null },
        { role: 'admin', ok: true, reason: 'logout' },
      ]);
    } finally {
      await browser.close();
      await session.cleanup();
    }
  });
});
