import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRenderer, openBrowserSession } from '../support/browser-station';
import { celebaOpenSetSplit } from '../support/celeba-split';
import { chromiumAvailable, launchChromium } from '../support/chromium-launcher';
import { sharedDataDir } from '../support/shared-data';
import { makeTempDir } from '../support/temp-dir';

/**
 * The admin's calibration view in Chromium against the real station (real models, SQLite,
 * 8 CelebA people enrolled from 3 photos each): log in as admin, run from the enrolled
 * templates, see the ROC/DET curves and histograms as inline SVG with points and the honest
 * "too few impostor pairs" rows, pick a threshold on the slider, adopt it behind the
 * confirmation, and find the audited change in the Audit view.
 */

const ADMIN_PASSPHRASE = 'calibration admin passphrase';
/** Model start-up and a calibration run on a slow, shared 2-core machine. */
const WAIT_MS = 90_000;

// No camera needed: the admin never opens the door terminal here.
const canRun = chromiumAvailable();
if (!canRun) console.warn('[calibration e2e] skipped: needs /usr/bin/chromium');
const work = makeTempDir('station-calibration-e2e-');
const rendererDir = join(work.dir, 'renderer');

describe.skipIf(!canRun)('calibration view, end to end', () => {
  beforeAll(() => buildRenderer(rendererDir), 300_000);
  afterAll(() => work.cleanup());

  it('admin runs from enrolled templates, sees the plots, adopts a threshold; audited', async () => {
    const session = await openBrowserSession({ rendererDir });
    const { station, host } = session;
    for (const [id, files] of celebaOpenSetSplit(sharedDataDir(), 8, 0).enrolled) {
      await station.intake.enroll({
        name: `celeb-${id}`,
        consent: true,
        recordedBy: 'e2e',
        images: files.map((f) => ({ fileName: basename(f), bytes: readFileSync(f) })),
      });
    }
    station.operators.setPassphrase('admin', ADMIN_PASSPHRASE);
    const before = station.settings.thresholds();
    const browser = await launchChromium().catch(async (err: unknown) => {
      await session.cleanup();
      throw err;
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
      page.on('pageerror', (e) => console.error('[page error]', e.message));
      await page.goto(host.url);
      await page.getByTestId('tab-calibration').click();
      await page.getByTestId('login-passphrase').fill(ADMIN_PASSPHRASE);
      await page.getByTestId('login-submit').click();

      await page.getByTestId('calibration-source-enrolled').check();
      await page.getByTestId('calibration-run').click();
      await page.getByTestId('calibration-summary').waitFor({ timeout: WAIT_MS });
      expect(await page.getByTestId('calibration-error').count()).toBe(0);
      const auc = Number(await page.getByTestId('calibration-auc').textContent());
      expect(auc).toBeGreaterThan(0.9);

      // Curves drawn as inline SVG with real points; histograms as bars; the threshold line.
      for (const plot of ['calibration-roc', 'calibration-det']) {
        const line = page.getByTestId(plot).locator('polyline');
        expect(Number(await line.getAttribute('data-points'))).toBeGreaterThan(2);
        expect((await line.getAttribute('points'))?.split(' ').length).toBeGreaterThan(2);
      }
      const bars = page.getByTestId('calibration-histogram').locator('rect[data-point]');
      expect(await bars.count()).toBe(100);
      await page.getByTestId('calibration-histogram-threshold').waitFor({ state: 'attached' });

      // A few hundred impostor pairs support no target FMR: said, not hidden.
      const rows = page.getByTestId('calibration-target-row');
      expect(await rows.count()).toBe(4);
      expect(await page.getByTestId('calibration-too-few').count()).toBe(4);
      expect(await page.getByTestId('calibration-too-few').first().textContent()).toMatch(
        /rule of three/,
      );

      // Pick 0.45 on the slider: the rates table follows.
      await page.getByTestId('calibration-slider').fill('45');
      expect(await page.getByTestId('calibration-threshold').textContent()).toBe('0.45');
      expect(await page.getByTestId('calibration-rates-chosen').textContent()).toMatch(/%/);

      // Adopt behind a confirmation.
      await page.getByTestId('calibration-adopt').click();
      await page.getByTestId('calibration-confirm-ok').click();
      const adopted = page.getByTestId('calibration-adopted');
      await adopted.waitFor({ timeout: WAIT_MS });
      expect(await adopted.textContent()).toMatch(/identify 0\.5 → 0\.45/);
      expect(station.settings.thresholds()).toEqual({ ...before, identify: 0.45 });

      // The Audit view (admin may read it) shows the settings change with its evidence.
      await page.getByTestId('tab-audit').click();
      const settingsRow = page.locator('[data-testid="audit-row"][data-kind="settings"]');
      await settingsRow.first().waitFor({ timeout: WAIT_MS });
      await settingsRow.first().getByTestId('audit-row-open').click();
      const detail = page.getByTestId('audit-detail');
      await detail.waitFor({ timeout: WAIT_MS });
      const text = (await detail.textContent()) ?? '';
      expect(text).toMatch(/identify\.new/);
      expect(text).toMatch(/0\.45/);
      expect(text).toMatch(/evidence\.eer/);
      expect(station.auditAdmin.verifyChain().ok).toBe(true);
    } finally {
      await browser.close();
      await session.cleanup();
    }
  }, 300_000);

  it("admin proposes liveness bands from the camera's own live scores and adopts them; audited", async () => {
    const session = await openBrowserSession({ rendererDir });
    const { station, host } = session;
    const camera = 'USB2.0 HD UVC WebCam (13d3:56a2)';
    // Too few scores first: the view says why there is nothing to adopt.
    for (let i = 0; i < 10; i++) {
      station.padCalibration.recordLive('enrolment', camera, {
        padModel: 0.6 + i / 50,
        textureNet: 0.9,
      });
    }
    const browser = await launchChromium().catch(async (err: unknown) => {
      await session.cleanup();
      throw err;
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
      page.on('pageerror', (e) => console.error('[page error]', e.message));
      await page.goto(host.url);
      await page.getByTestId('tab-calibration').click();
      await page.getByTestId('pad-run').click();
      await page.getByTestId('pad-summary').waitFor({ timeout: WAIT_MS });
      expect(await page.getByTestId('pad-camera-name').textContent()).toBe(camera);
      expect(await page.getByTestId('pad-refusal').textContent()).toMatch(/at least 50/);
      expect(await page.getByTestId('pad-adopt').isDisabled()).toBe(true);

      // Weeks of granted decisions later: a proposal at 20 % not clearly live.
      for (let i = 0; i < 90; i++) {
        station.padCalibration.recordLive('granted', camera, {
          padModel: 0.55 + i / 250,
          textureNet: 0.9,
        });
      }
      await page.getByTestId('pad-target').selectOption('0.2');
      await page.getByTestId('pad-run').click();
      await page.getByTestId('pad-proposal').waitFor({ timeout: WAIT_MS });
      expect(await page.getByTestId('pad-histogram').locator('rect[data-point]').count()).toBe(20);
      await page.getByTestId('pad-adopt').click();
      await page.getByTestId('pad-confirm-ok').click();
      const adopted = page.getByTestId('pad-adopted');
      await adopted.waitFor({ timeout: WAIT_MS });
      expect(await adopted.textContent()).toMatch(/audit log as event #\d+/);
      const passive = station.access.liveness().passive;
      expect(passive).not.toBeNull();
      expect(await adopted.textContent()).toContain(String(passive?.clearLiveMin));
      const row = station.auditAdmin.recent(1)[0];
      expect(row).toMatchObject({ kind: 'settings' });
      expect(station.review.detail(row?.id ?? 0).facts).toMatchObject({
        setting: 'liveness.passive',
        'evidence.camera': camera,
        'evidence.liveScores': 100,
      });
      expect(station.auditAdmin.verifyChain().ok).toBe(true);
    } finally {
      await browser.close();
      await session.cleanup();
    }
  }, 300_000);
});
