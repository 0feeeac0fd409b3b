import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildRenderer,
  openBrowserSession,
  openTerminalBrowser,
  type BrowserSession,
} from '../support/browser-station';
import { chromiumAvailable } from '../support/chromium-launcher';
import { frameFromPhoto } from '../support/frame-request';
import { sharedDataPath } from '../support/shared-data';
import { makeTempDir } from '../support/temp-dir';

const ROOT = resolve(import.meta.dirname, '../..');
/**
 * Screenshots of every view for people to look at: test-results/ (gitignored) on every run;
 * with STATION_UPDATE_SCREENSHOTS=1 the 1280x800 ones also replace the README's walk-through
 * pictures in docs/screenshots. No view shows a face (the camera is Chromium's test pattern,
 * the station keeps templates, not photos), so no face data reaches the repository.
 */
const SHOTS = resolve(ROOT, 'test-results', 'screenshots', 'views');
const README_SHOTS = resolve(ROOT, 'docs', 'screenshots');
const UPDATE_README = process.env.STATION_UPDATE_SCREENSHOTS === '1';

const SIZES = [
  [800, 480],
  [1024, 600],
  [1280, 800],
  [600, 1024],
] as const;
/** Each view and an element that says it finished drawing. */
const VIEWS = [
  ['terminal', 'terminal-status'],
  ['enroll', 'people-row'],
  ['calibration', 'calibration-run'],
  ['audit', 'audit-row-subject'],
  ['site', 'site-panel'],
] as const;

const bbt = (who: string, i: number) =>
  sharedDataPath('small_identity_sets', 'faceapi_bbt', who, `${who}${i}.png`);
const PEOPLE = [
  ['amy', 'Amy Farrah'],
  ['penny', 'Penny Teller'],
] as const;

const ready = chromiumAvailable();
if (!ready) console.warn('[view layouts e2e] skipped: needs /usr/bin/chromium');

/**
 * Every view at the four kiosk and desk sizes (800x480, 1024x600, 1280x800, 600x1024): nothing
 * runs off the side of the screen (admin views may scroll down, never sideways), and each size
 * is photographed for review.
 */
describe.skipIf(!ready)('every view fits every screen size', () => {
  const fixture = makeTempDir('station-views-e2e-');
  let session: BrowserSession;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    const rendererDir = await buildRenderer(join(fixture.dir, 'renderer'));
    session = await openBrowserSession({ rendererDir });
    const { station } = session;
    for (const [who, name] of PEOPLE) {
      const images = [1, 2].map((i) => ({
        fileName: `${who}${i}`,
        bytes: readFileSync(bbt(who, i)),
      }));
      await station.intake.enroll({ name, consent: true, images, recordedBy: 'test' });
    }
    station.doorSettings.setIdentity({ id: 'door-1', label: 'Front door' }, 'e2e-admin');
    station.doorSettings.setAccessPolicy(
      { ...station.access.policy(), requireLiveness: false, agreeFrames: 1 },
      'e2e-admin',
    );
    station.door.reportCamera('Desk Camera');
    const entry = await station.door.process(await frameFromPhoto(station, bbt('amy', 4), 1));
    expect(entry).toMatchObject({ decision: 'granted' });
    ({ browser, page } = await openTerminalBrowser(null));
    await page.goto(session.host.url);
    mkdirSync(SHOTS, { recursive: true });
    if (UPDATE_README) mkdirSync(README_SHOTS, { recursive: true });
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await session?.cleanup();
    fixture.cleanup();
  });

  for (const [view, drawn] of VIEWS) {
    it(`${view}: no sideways overflow at any size`, async () => {
      await page.setViewportSize({ width: 1280, height: 800 });
      await page.getByTestId(`tab-${view}`).click();
      await page.getByTestId(drawn).first().waitFor({ timeout: 60_000 });
      for (const [width, height] of SIZES) {
        await page.setViewportSize({ width, height });
        await page.waitForTimeout(200);
        const [scrollWidth, clientWidth] = await page.evaluate<[number, number]>(
          '[document.documentElement.scrollWidth, document.documentElement.clientWidth]',
        );
        expect(scrollWidth, `${view} at ${width}x${height}`).toBeLessThanOrEqual(clientWidth);
        const overflowing = await page.evaluate<string[]>(OVERFLOW_PROBE);
        expect(overflowing, `${view} at ${width}x${height}`).toEqual([]);
        await page.screenshot({ path: join(SHOTS, `${view}-${width}x${height}.png`) });
        if (UPDATE_README && width === 1280) {
          await page.screenshot({ path: join(README_SHOTS, `${view}.png`), fullPage: true });
        }
      }
    });
  }
});

/**
 * Visible elements whose right edge lies beyond the window (a wide table inside a scrolling box
 * is fine: its box clips it, so only elements outside any clipping box count).
 */
const OVERFLOW_PROBE = `(() => {
  const width = document.documentElement.clientWidth;
  const clipped = (el) => {
    for (let p = el.parentElement; p; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX;
      if (o === 'auto' || o === 'scroll' || o === 'hidden') return true;
    }
    return false;
  };
  return [...document.querySelectorAll('main *, nav *')]
    .filter((el) => {
      const r = el.getBoundingClientRect();
      return r.width > 0 && r.height > 0 && r.right > width + 1 && !clipped(el);
    })
    .slice(0, 5)
    .map((el) => el.tagName.toLowerCase() + (el.dataset.testid ? '[' + el.dataset.testid + ']' : '') + ' right=' + Math.round(el.getBoundingClientRect().right));
})()`;
