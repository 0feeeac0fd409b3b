import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildRenderer,
  openBrowserSession,
  openTerminalBrowser,
  type BrowserSession,
} from '../support/browser-station';
import { chromiumAvailable } from '../support/chromium-launcher';
import { sharedDataPath } from '../support/shared-data';
import { makeTempDir } from '../support/temp-dir';

/** Fifty enrolments on a slow, shared 2-core machine. */
const WAIT_MS = 600_000;
/** LFW rows; a few first photos fail the quality gate (pose, size), so 56 give 50+ people. */
const PEOPLE = 56;

const ready = chromiumAvailable();
if (!ready) console.warn('[bulk e2e] skipped: needs /usr/bin/chromium');

/**
 * Bulk enrolment in the admin view, in Chromium against the real station: a CSV of 56 LFW
 * people (one photo each, employee ids, groups) plus a row whose photo was not chosen and a
 * group photo; the preview flags the missing photo before anything is sent; the run shows
 * progress and one result per row; running the same list again enrols nobody twice.
 */
describe.skipIf(!ready)('bulk enrolment from a CSV, end to end', () => {
  const fixture = makeTempDir('station-bulk-e2e-');
  let session: BrowserSession;
  let browser: Browser;
  let page: Page;
  const lfw = sharedDataPath('lfw_pairs_gray', 'images');
  const names = readdirSync(lfw).sort().slice(0, PEOPLE);
  const files = names.map((n) => readdirSync(join(lfw, n)).sort()[0]!);
  const photos = names.map((n, i) => join(lfw, n, files[i]!));
  const group = sharedDataPath('multi_face', 'human_group-1.jpg');
  const csv = join(fixture.dir, 'staff.csv');

  beforeAll(async () => {
    writeFileSync(
      csv,
      [
        'employee_id,name,photo paths,groups',
        ...names.map((n, i) => `E${1000 + i},${n.replace(/_/g, ' ')},${files[i]},staff`),
        'E2000,Not Chosen,nobody_0001.jpg,',
        'E2001,A Group,human_group-1.jpg,',
      ].join('\n'),
    );
    const rendererDir = await buildRenderer(join(fixture.dir, 'renderer'));
    session = await openBrowserSession({ rendererDir });
    ({ browser, page } = await openTerminalBrowser(null));
    await page.goto(session.host.url);
    await page.getByTestId('tab-enroll').click();
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await session?.cleanup();
    fixture.cleanup();
  });

  const statuses = async () =>
    Promise.all(
      (await page.getByTestId('bulk-result-row').all()).map((r) => r.getAttribute('data-status')),
    );

  it('previews, enrols 50+ people with a result per row, and a re-run enrols nobody twice', async () => {
    await page.getByTestId('bulk-list').setInputFiles(csv);
    await page.getByTestId('bulk-photos').setInputFiles([...photos, group]);
    expect(await page.getByTestId('bulk-summary').textContent()).toBe(
      `${PEOPLE + 2} of ${PEOPLE + 2} rows are ready to enrol.`,
    );
    const notChosen = page.getByTestId('bulk-preview-row').filter({ hasText: 'Not Chosen' });
    expect(await notChosen.textContent()).toContain('Not among the chosen photos: nobody_0001.jpg');
    await page.getByTestId('bulk-consent').check();
    await page.getByTestId('bulk-run').click();
    await page.getByTestId('bulk-progress').waitFor();
    await expect
      .poll(() => page.getByTestId('bulk-result-row').count(), { timeout: WAIT_MS })
      .toBe(PEOPLE + 2);
    const first = await statuses();
    expect(first.slice(PEOPLE)).toEqual(['failed', 'failed']);
    const enrolled = first.filter((s) => s === 'enrolled').length;
    // Every LFW row is enrolled or failed with its own reason: none is lost or skipped.
    expect(first.slice(0, PEOPLE).every((s) => s === 'enrolled' || s === 'failed')).toBe(true);
    expect(enrolled).toBeGreaterThanOrEqual(50);
    const lastRows = page.getByTestId('bulk-result-row');
    expect(await lastRows.nth(PEOPLE).textContent()).toContain('nobody_0001.jpg');
    expect(await lastRows.nth(PEOPLE + 1).textContent()).toContain('Several faces');
    expect(session.station.directory.list()).toHaveLength(enrolled);
    expect(await page.getByTestId('bulk-progress').getAttribute('value')).toBe(String(PEOPLE + 2));

    await page.getByTestId('bulk-run').click();
    await expect
      .poll(async () => (await statuses()).filter((s) => s === 'already_enrolled').length, {
        timeout: WAIT_MS,
      })
      .toBe(enrolled);
    expect(session.station.directory.list()).toHaveLength(enrolled);
  });
});
