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
const REVIEWER_PASSPHRASE = 'reviewer passphrase for e2e';
const WAIT_MS = 60_000;

const ready = chromiumAvailable() && ffmpegAvailable();
if (!ready) console.warn('[operator-login e2e] skipped: needs /usr/bin/chromium and ffmpeg');

const fixtureDir = makeTempDir('station-login-e2e-');
let rendererDir = '';
let camera = '';

/** A station with these roles protected, and Chromium on its terminal page. */
async function openProtected(passphrases: Partial<Record<'admin' | 'reviewer', string>>) {
  const session = await openBrowserSession({ rendererDir });
  for (const [role, passphrase] of Object.entries(passphrases)) {
    session.station.operators.setPassphrase(role as 'admin' | 'reviewer', passphrase);
  }
  const opened = await openTerminalBrowser(camera).catch(async (err: unknown) => {
    await session.cleanup();
    throw err;
  });
  return { session, station: session.station, host: session.host, ...opened };
}

describe.skipIf(!ready)('operator login, end to end', () => {
  beforeAll(async () => {
    rendererDir = join(fixtureDir.dir, 'renderer');
    await buildRenderer(rendererDir);
    const video = join(sharedDataDir(), 'spoof', 'videos', 'apfol_real.webm');
    camera = clipToY4m(video, join(fixtureDir.dir, 'cam.y4m'), { start: 0, duration: 1 });
  });
  afterAll(() => fixtureDir.cleanup());

  it('protected Enrolment: login form, wrong passphrase refused, right one opens; audited', async () => {
    const { session, station, host, browser, page } = await openProtected({
      admin: ADMIN_PASSPHRASE,
    });
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
      const facts = station.auditAdmin
        .recent(10)
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

  it('a reviewer whose session ended on the station is sent back to the login form, with why', async () => {
    // Both roles protected: an audit channel stays open while any role allowed on it is open.
    const { session, station, host, browser, page } = await openProtected({
      admin: ADMIN_PASSPHRASE,
      reviewer: REVIEWER_PASSPHRASE,
    });
    try {
      await page.goto(host.url);
      // A failed admin login is the admin form's business: the reviewer's form starts clean.
      await page.getByTestId('tab-enroll').click();
      await page.getByTestId('login-passphrase').fill('not the passphrase');
      await page.getByTestId('login-submit').click();
      await page.getByTestId('login-error').waitFor({ timeout: WAIT_MS });
      await page.getByTestId('tab-audit').click();
      await page.getByTestId('login-passphrase').waitFor({ timeout: WAIT_MS });
      expect(await page.getByTestId('login-error').count()).toBe(0);
      // The login form is all the view shows: its passphrase field has the focus.
      const focused =
        "document.activeElement && document.activeElement.getAttribute('data-testid')";
      expect(await page.evaluate(focused)).toBe('login-passphrase');
      await page.getByTestId('login-passphrase').fill(REVIEWER_PASSPHRASE);
      await page.getByTestId('login-submit').click();
      await page.getByTestId('audit-search').waitFor({ timeout: WAIT_MS });
      expect(await page.getByTestId('login-notice').count()).toBe(0);

      // The station ends the session (as after 15 idle minutes; here: the passphrase changed,
      // which ends every session of the role at once). The next search is refused...
      station.operators.setPassphrase('reviewer', `${REVIEWER_PASSPHRASE} v2`);
      await page.getByTestId('audit-search').click();
      // ...and the view turns back into the login form with a plain reason, no raw error.
      const notice = page.getByTestId('login-notice');
      await notice.waitFor({ timeout: WAIT_MS });
      expect(await notice.textContent()).toMatch(/reviewer session has ended.*Log in again/);
      expect(await page.getByTestId('audit-error').count()).toBe(0);
      expect(await page.getByTestId('logout').count()).toBe(0);

      await page.getByTestId('login-passphrase').fill(`${REVIEWER_PASSPHRASE} v2`);
      await page.getByTestId('login-submit').click();
      await page.getByTestId('audit-search').waitFor({ timeout: WAIT_MS });
      expect(await page.getByTestId('login-notice').count()).toBe(0);
      await page.locator('[data-testid="audit-row"][data-kind="login"]').first().waitFor({
        timeout: WAIT_MS,
      });
    } finally {
      await browser.close();
      await session.cleanup();
    }
  });
});
