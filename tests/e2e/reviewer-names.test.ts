import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRenderer, openBrowserSession, type BrowserSession } from '../support/browser-station';
import { chromiumAvailable, launchChromium } from '../support/chromium-launcher';
import { frameFromPhoto } from '../support/frame-request';
import { sharedDataPath } from '../support/shared-data';
import { makeTempDir } from '../support/temp-dir';

const bbt = (who: string, i: number) =>
  sharedDataPath('small_identity_sets', 'faceapi_bbt', who, `${who}${i}.png`);

const PEOPLE = [
  ['amy', 'Amy Farrah'],
  ['raj', 'Raj Koothrappali'],
  ['howard', 'Howard Wolowitz'],
] as const;

const ready = chromiumAvailable();
if (!ready) console.warn('[reviewer e2e] skipped: needs /usr/bin/chromium');

/**
 * The reviewer's questions "who entered door-1 today / yesterday after 18:00?" in Chromium against the real station:
 * a quick range, the door and decision filters, and "show names" turn the pseudonyms of the
 * currently enrolled person into a name (the station audits the reveal, without names); off
 * again, the rows are pseudonyms; the attendance summary downloads for the same range.
 */
describe.skipIf(!ready)('reviewer names and quick ranges, end to end', () => {
  const fixture = makeTempDir('station-reviewer-e2e-');
  let session: BrowserSession;
  let browser: Browser;
  let page: Page;
  let clock: number | null = null;

  beforeAll(async () => {
    const rendererDir = await buildRenderer(join(fixture.dir, 'renderer'));
    // The station's clock: real time, except while yesterday evening's entries are made.
    session = await openBrowserSession({ rendererDir, now: () => new Date(clock ?? Date.now()) });
    const { station } = session;
    for (const [who, name] of PEOPLE) {
      const images = [1, 2, 3].map((i) => ({
        fileName: `${who}${i}`,
        bytes: readFileSync(bbt(who, i)),
      }));
      await station.intake.enroll({ name, consent: true, images, recordedBy: 'test' });
    }
    station.doorSettings.setIdentity({ id: 'door-1', label: 'Door 1' }, 'e2e-admin');
    station.doorSettings.setAccessPolicy(
      { ...station.access.policy(), requireLiveness: false, agreeFrames: 1, timeZone: 'UTC' },
      'e2e-admin',
    );
    station.door.reportCamera('Desk Camera');
    // Yesterday (UTC, the page's zone below): Raj at 17:30, Howard at 18:20.
    const yesterday = new Date();
    yesterday.setUTCDate(yesterday.getUTCDate() - 1);
    const at = (h: number, m: number) =>
      Date.UTC(yesterday.getUTCFullYear(), yesterday.getUTCMonth(), yesterday.getUTCDate(), h, m);
    for (const [who, time, frameId] of [
      ['raj', at(17, 30), 10],
      ['howard', at(18, 20), 11],
    ] as const) {
      clock = time;
      const entry = await station.door.process(await frameFromPhoto(station, bbt(who, 4), frameId));
      expect(entry).toMatchObject({ decision: 'granted' });
    }
    clock = null;
    const r = await station.door.process(await frameFromPhoto(station, bbt('amy', 4), 1));
    expect(r).toMatchObject({ decision: 'granted' });
    browser = await launchChromium({
      extraArgs: ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream'],
    });
    const context = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      timezoneId: 'UTC',
      acceptDownloads: true,
    });
    page = await context.newPage();
    page.on('pageerror', (e) => console.error('[page error]', e.message));
    await page.goto(session.host.url);
    await page.getByTestId('tab-audit').click();
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await session?.cleanup();
    fixture.cleanup();
  });

  it('answers who entered door-1 today and yesterday after 18:00, with names only on request', async () => {
    await page.getByTestId('audit-filter-door').selectOption('door-1');
    await page.getByTestId('audit-filter-decision').selectOption('granted');
    await page.getByTestId('audit-show-names').check();
    await page.getByTestId('audit-range-today').click();
    const subject = page.getByTestId('audit-row-subject');
    await expect.poll(() => subject.count()).toBe(1);
    await expect.poll(() => subject.first().textContent()).toContain('Amy Farrah');
    const reveal = session.station.auditAdmin.recent(5).find((e) => e.kind === 'reveal');
    expect(reveal).toBeDefined();
    expect(JSON.stringify(reveal)).not.toContain('Amy');

    await page.getByTestId('audit-show-names').uncheck();
    await page.getByTestId('audit-search').click();
    await expect.poll(() => subject.first().textContent()).not.toContain('Amy');

    // "Who entered door-1 yesterday after 18:00?": the quick range, then the hour.
    await page.getByTestId('audit-show-names').check();
    await page.getByTestId('audit-range-yesterday').click();
    await expect.poll(() => subject.count()).toBe(2);
    const from = page.getByTestId('audit-filter-from');
    await from.fill(`${(await from.inputValue()).slice(0, 10)}T18:00:00`);
    await page.getByTestId('audit-search').click();
    await expect.poll(() => subject.count()).toBe(1);
    await expect.poll(() => subject.first().textContent()).toContain('Howard Wolowitz');
    await page.getByTestId('audit-show-names').uncheck();
    await page.getByTestId('audit-range-today').click();

    // The live view: a new decision appears without searching again.
    await page.getByTestId('audit-live-toggle').click();
    // Grants only: the terminal tab the page opened on may have logged its own (camera) rows.
    const liveRows = page.locator('[data-testid="audit-live-row"][data-decision="granted"]');
    // It opens on the latest decisions (yesterday's two and today's one).
    await expect.poll(() => liveRows.count()).toBe(3);
    await new Promise((r) => setTimeout(r, 1_200)); // a new track (face-tracker.ts)
    // The page's terminal tab reported Chromium's fake camera (refused); this desk camera again.
    session.station.door.reportCamera('Desk Camera');
    const again = await session.station.door.process(
      await frameFromPhoto(session.station, bbt('amy', 5), 2),
    );
    expect(again).toMatchObject({ decision: 'granted' });
    await expect.poll(() => liveRows.count(), { timeout: 30_000 }).toBe(4);
    await page.getByTestId('audit-live-toggle').click();

    const download = page.waitForEvent('download');
    await page.getByTestId('audit-attendance').click();
    const file = await (await download).path();
    const csv = readFileSync(file, 'utf8');
    expect(csv.split('\r\n')[0]).toBe('date,subject_hmac,first_in,last_out,entries,time_zone');
    expect(csv.split('\r\n').filter((l) => l.length > 0)).toHaveLength(2);
    expect(csv).toMatch(/,2,[^,]+\r\n$/); // two entries that day
    expect(await page.getByTestId('audit-attendance-status').textContent()).toBe(
      'Attendance downloaded: 1 person-day.',
    );
  });
});
