import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStationHandlers } from '../../src/main/core/ipc/station-handlers';
import type { Station } from '../../src/main/core/station.service';
import { startLoopbackHost, type LoopbackHost } from '../../src/main/hosts/loopback/loopback-host';
import { buildRenderer } from '../support/browser-station';
import { chromiumAvailable, launchChromium } from '../support/chromium-launcher';
import { startTestCluster, type TestCluster } from '../support/pg-cluster';
import { sharedDataPath } from '../support/shared-data';
import { twoStationSite, type TwoStations } from '../support/site-stations';
import { makeTempDir } from '../support/temp-dir';

const bbt = (who: string, i: number) =>
  sharedDataPath('small_identity_sets', 'faceapi_bbt', who, `${who}${i}.png`);

/** An attribute of every row with this test id, in order. */
function attributes(page: Page, testId: string, name: string): Promise<(string | null)[]> {
  return page
    .getByTestId(testId)
    .all()
    .then((rows) => Promise.all(rows.map((r) => r.getAttribute(name))));
}

const ready = chromiumAvailable();
if (!ready) console.warn('[site e2e] skipped: needs /usr/bin/chromium');

/**
 * The admin's Site panel and the reviewer's site log in Chromium, against a real station of a
 * site on a real PostgreSQL: the desk (A) is served in browser mode, the door (B) runs in the
 * test. An erasure made at the desk shows who acknowledged it; the Audit view reads the rows
 * of both doors from the site's log and verifies both chains.
 */
describe.skipIf(!ready)('site panel and site log in the browser', () => {
  const tmp = makeTempDir('station-site-e2e-');
  const keep = process.env.STATION_E2E_KEEP;
  let pg: TestCluster;
  let site: TwoStations;
  let a: Station;
  let b: Station;
  let host: LoopbackHost;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    pg = await startTestCluster();
    site = await twoStationSite(await pg.createDatabase('site_e2e'), tmp.dir);
    const rendererDir = await buildRenderer(join(tmp.dir, 'renderer'));
    a = await site.openA();
    b = await site.openB();
    a.site!.start();
    b.site!.start();
    host = await startLoopbackHost({ handlers: createStationHandlers(a), rendererDir });
    browser = await launchChromium({});
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    page.on('pageerror', (e) => console.error('[page error]', e.message));
    await page.goto(host.url);
  }, 600_000);
  afterAll(async () => {
    await browser?.close();
    await host?.close();
    await a?.site?.close();
    a?.close();
    await b?.site?.close();
    b?.close();
    pg?.destroy();
    tmp.cleanup();
  });

  it('shows every station, and an erasure with who acknowledged it', async () => {
    const images = [1, 2, 3].map((i) => ({
      fileName: `amy${i}`,
      bytes: readFileSync(bbt('amy', i)),
    }));
    const r = await a.intake.enroll({ name: 'Amy', consent: true, images, recordedBy: 'e2e' });
    const deadline = Date.now() + 60_000;
    while (!b.directory.list().some((p) => p.name === 'Amy') && Date.now() < deadline) {
      await new Promise((res) => setTimeout(res, 200));
    }
    a.eraser.erasePerson(r.person!.id);
    await page.getByTestId('tab-site').click();
    await expect
      .poll(
        async () => {
          await page.getByTestId('site-sync').click();
          return page.getByTestId('site-erasure').first().getAttribute('data-pending');
        },
        { timeout: 60_000, interval: 1_000 },
      )
      .toBe('0');
    await expect.poll(() => page.getByTestId('site-station').count()).toBe(2);
    expect(await page.getByTestId('site-status').getAttribute('data-online')).toBe('true');
    const acks = await page.getByTestId('site-erasure').first().textContent();
    expect(acks).toMatch(/HR desk: .*verified/);
    expect(acks).toMatch(/Door 2: .*verified/);
    if (keep) await page.screenshot({ path: join(keep, 'site-panel.png'), fullPage: true });
  });

  it("the Audit view reads the site's log of both doors and verifies both chains", async () => {
    await b.site!.sync.syncNow();
    await page.getByTestId('tab-audit').click();
    await page.getByTestId('audit-scope-site').check();
    await expect
      .poll(() => page.getByTestId('site-audit-row').count(), { timeout: 30_000 })
      .toBeGreaterThan(0);
    const stations = await attributes(page, 'site-audit-row', 'data-station');
    expect(new Set(stations)).toEqual(new Set(['HR desk', 'Door 2']));
    // The door filter offers the site's doors and narrows the log to one of them.
    await page.getByTestId('site-audit-door').selectOption('door-2');
    await expect.poll(() => attributes(page, 'site-audit-row', 'data-door')).toEqual(['door-2']);
    await page.getByTestId('site-audit-door').selectOption('');
    await page.getByTestId('site-audit-verify').click();
    await expect
      .poll(() => page.getByTestId('site-audit-chain').getAttribute('data-ok'), { timeout: 30_000 })
      .toBe('true');
    if (keep) await page.screenshot({ path: join(keep, 'site-audit.png'), fullPage: true });
  });
});
