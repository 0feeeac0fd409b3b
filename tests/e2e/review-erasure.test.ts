import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildRenderer,
  openBrowserSession,
  openTerminalBrowser,
  waitForTerminal,
} from '../support/browser-station';
import { chromiumAvailable, isLocalUrl } from '../support/chromium-launcher';
import { sharedDataDir } from '../support/shared-data';
import { makeTempDir } from '../support/temp-dir';
import { clipToY4m, extractStills, ffmpegAvailable } from '../support/video-clips';

/**
 * The admin's and the reviewer's side, end to end in Chromium against the real station: the
 * admin enrols a person with consent from photo files (progress shown), the terminal grants
 * them (fake camera: another part of the same clip), the reviewer finds that event by person,
 * opens its scores and downloads the CSV, the admin erases the person (consent withdrawn), the
 * terminal now says "Unknown person", and the reviewer's search shows the erasure event.
 *
 * Clip: spoof/videos/apfol_real.webm, a person live at a webcam (the door's liveness check must
 * pass, so a real live recording): enrolment stills from 4-6 s, the door stream from 0-4 s.
 */

const PERSON = 'Grace Review';
/** Model start-up plus frames on a slow, shared 2-core machine; a pass usually takes seconds. */
const WAIT_MS = 90_000;

const ready = chromiumAvailable() && ffmpegAvailable();
if (!ready) console.warn('[review e2e] skipped: needs /usr/bin/chromium and ffmpeg');

/** Records the terminal's texts and whether the enrolment progress bar was ever shown. */
const PAGE_PROBE = `
  window.__statusLog = [];
  window.__sawEnrollProgress = false;
  window.__cspViolations = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI);
  });
  new MutationObserver(() => {
    if (document.querySelector('[data-testid="enroll-progress"]')) window.__sawEnrollProgress = true;
    const el = document.querySelector('[data-testid="terminal-status"]');
    const text = el && el.textContent ? el.textContent.trim() : '';
    if (text && window.__statusLog[window.__statusLog.length - 1] !== text) window.__statusLog.push(text);
  }).observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
`;

/** A datetime-local value in the browser's (= this machine's) local time. */
function localInput(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** Clears the filter bar, fills the given inputs and selects, and searches. */
async function searchAudit(
  page: Page,
  inputs: Record<string, string>,
  selects: Record<string, string> = {},
): Promise<void> {
  await page.getByTestId('audit-clear').click();
  for (const [testId, value] of Object.entries(inputs)) await page.getByTestId(testId).fill(value);
  for (const [testId, value] of Object.entries(selects))
    await page.getByTestId(testId).selectOption(value);
  await page.getByTestId('audit-search').click();
}

/** One attribute of every element a locator matches. */
async function attributes(locator: Locator, name: string): Promise<(string | null)[]> {
  return Promise.all((await locator.all()).map((l) => l.getAttribute(name)));
}

const fixtureDir = makeTempDir('station-review-e2e-');
let rendererDir = '';
let stills: string[] = [];
let camera = '';

describe.skipIf(!ready)('admin and reviewer, end to end', () => {
  beforeAll(async () => {
    const video = join(sharedDataDir(), 'spoof', 'videos', 'apfol_real.webm');
    const stillsDir = join(fixtureDir.dir, 'stills');
    mkdirSync(stillsDir);
    rendererDir = join(fixtureDir.dir, 'renderer');
    await buildRenderer(rendererDir); // from source: never a stale out/renderer
    stills = extractStills(video, stillsDir, { start: 4, duration: 2 }, 3, 'g');
    camera = clipToY4m(video, join(fixtureDir.dir, 'door.y4m'), { start: 0, duration: 4 });
  });
  afterAll(() => fixtureDir.cleanup());

  it('enrol with consent -> granted -> found by person + CSV -> erased -> unknown -> erasure event', async () => {
    // Chromium names its fake camera after the .y4m file; the admin allows that one device.
    const session = await openBrowserSession({ rendererDir, allowCameras: [camera] });
    const { station, host } = session;
    // Liveness has its own end-to-end tests (door-decisions.test.ts); here the door only has to
    // recognise, so a loaded CI machine's slow frames cannot stall the admin/reviewer flow.
    station.doorSettings.setAccessPolicy(
      { ...station.access.policy(), requireLiveness: false },
      'e2e-admin',
    );
    // A named door: its rows (decisions, lock commands) are what the reviewer's door filter finds.
    station.doorSettings.setIdentity({ id: 'front-door', label: 'Front entrance' }, 'e2e-admin');
    const requests: string[] = [];
    const opened = await openTerminalBrowser(camera, {
      probe: PAGE_PROBE,
      onRequest: (url) => void requests.push(url),
    }).catch(async (err: unknown) => {
      await session.cleanup();
      throw err;
    });
    const { browser, page } = opened;
    try {
      const started = new Date(Date.now() - 60_000);
      await page.goto(host.url);

      // 1. Admin: enrol from photo files, with consent; the progress bar is shown.
      await page.getByTestId('tab-enroll').click();
      await page.getByTestId('enroll-name').fill(PERSON);
      await page.getByTestId('enroll-files').setInputFiles(stills);
      await page.getByTestId('enroll-consent').check();
      await page.getByTestId('enroll-submit').click();
      await page.getByTestId('enroll-result').waitFor({ timeout: WAIT_MS });
      expect(await page.evaluate('window.__sawEnrollProgress')).toBe(true);
      const statuses = await attributes(page.getByTestId('enroll-result-row'), 'data-status');
      expect(statuses.filter((s) => s === 'enrolled').length).toBeGreaterThanOrEqual(2);
      const row = page.getByTestId('people-row').filter({ hasText: PERSON });
      await row.waitFor();
      const personId = (await row.getAttribute('data-person-id')) ?? '';
      const subject = station.auditAdmin.subjectOf(personId);

      // 2. Door: the terminal grants them.
      await page.getByTestId('tab-terminal').click();
      await waitForTerminal(page, `Access granted: ${PERSON}`, WAIT_MS);

      // 3. Reviewer: that person's events since the test started; the grant is among them.
      await page.getByTestId('tab-audit').click();
      await searchAudit(page, {
        'audit-filter-person': PERSON,
        'audit-filter-from': localInput(started),
      });
      await expect.poll(() => page.getByTestId('audit-people').textContent()).toContain(PERSON);
      const granted = page.locator('[data-testid="audit-row"][data-decision="granted"]').first();
      await granted.waitFor({ timeout: WAIT_MS });
      const kinds = await attributes(page.getByTestId('audit-row'), 'data-kind');
      // Their enrolment, the grant, and the door command it caused: all under their pseudonym.
      expect(kinds).toEqual(expect.arrayContaining(['decision', 'enrolment']));
      expect(kinds.every((k) => k === 'decision' || k === 'enrolment' || k === 'door')).toBe(true);
      // ... its component scores (no image), and the same filter as a CSV download.
      await granted.getByTestId('audit-row-open').click();
      const detail = page.getByTestId('audit-detail');
      await detail.waitFor();
      expect(
        Number(await page.getByTestId('audit-detail-similarity').textContent()),
      ).toBeGreaterThan(station.info.status().thresholds.identify);
      expect(await detail.locator('img, canvas, video').count()).toBe(0);
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByTestId('audit-export').click(),
      ]);
      expect(download.suggestedFilename()).toMatch(/^audit-.*\.csv$/);
      const csv = readFileSync(await download.path(), 'utf8');
      const [header, ...lines] = csv.split('\r\n').filter((l) => l.length > 0);
      expect(header).toBe('id,at,kind,decision,subject_hmac,similarity,details,prev_mac,mac,door');
      expect(lines.length).toBe(kinds.length);
      expect(lines.every((l) => l.split(',')[4] === subject)).toBe(true);
      expect(lines.some((l) => l.split(',')[3] === 'granted')).toBe(true);
      expect(csv).not.toContain(PERSON);
      expect(csv).not.toContain(personId);
      // The door the grant happened at: in the detail, and last on each decision's CSV line.
      expect(await page.getByTestId('audit-detail-door').textContent()).toBe(
        'Front entrance (front-door)',
      );
      expect(
        lines.filter((l) => l.split(',')[3] === 'granted').every((l) => l.endsWith(',front-door')),
      ).toBe(true);

      // 3b. Reviewer: by door. The select lists the doors in the log; the door's rows since
      // the start are its decisions and lock commands only (no enrolment: that is at no door).
      await expect
        // (textContent per option: allTextContents evaluates script, which the page's CSP refuses)
        .poll(async () =>
          Promise.all(
            (await page.getByTestId('audit-filter-door').locator('option').all()).map((o) =>
              o.textContent(),
            ),
          ),
        )
        // door-1: the settings changes made before the door was named (each under the id then).
        .toEqual(['any', 'door-1', 'Front entrance (front-door)']);
      await searchAudit(
        page,
        { 'audit-filter-from': localInput(started) },
        { 'audit-filter-door': 'front-door', 'audit-filter-decision': 'granted' },
      );
      const atDoor = page.locator('[data-testid="audit-row"][data-door="front-door"]');
      await atDoor.first().waitFor({ timeout: WAIT_MS });
      expect(await attributes(page.getByTestId('audit-row'), 'data-decision')).toEqual(
        Array(await atDoor.count()).fill('granted'),
      );
      await searchAudit(
        page,
        { 'audit-filter-from': localInput(started) },
        { 'audit-filter-door': 'front-door' },
      );
      await expect
        .poll(async () => new Set(await attributes(page.getByTestId('audit-row'), 'data-kind')))
        .toEqual(new Set(['decision', 'door', 'settings']));
      expect(new Set(await attributes(page.getByTestId('audit-row'), 'data-door'))).toEqual(
        new Set(['front-door']),
      );

      // 4. Admin: erase the person (consent withdrawn), behind a confirmation that says what goes.
      await page.getByTestId('tab-enroll').click();
      await row.getByTestId('person-erase').click();
      const dialog = page.getByTestId('erase-dialog');
      await expect.poll(() => dialog.getAttribute('data-phase')).toBe('confirm');
      expect(await page.getByTestId('erase-what').textContent()).toMatch(/template/);
      await page.getByTestId('erase-confirm').click();
      const result = page.getByTestId('erase-result');
      await result.waitFor({ timeout: WAIT_MS });
      expect(await result.getAttribute('data-verified')).toBe('true');
      await page.getByTestId('erase-close').click();
      await expect.poll(() => page.getByTestId('people-row').count()).toBe(0);

      // 5. Door: the same face is now unknown, and no name appears any more.
      await page.getByTestId('tab-terminal').click();
      await page.evaluate('window.__statusLog = []');
      await waitForTerminal(page, 'Unknown person', WAIT_MS);
      const after = await page.evaluate<string[]>('window.__statusLog');
      expect(after.filter((s) => s.includes(PERSON))).toEqual([]);

      // 6. Reviewer: the person can no longer be searched; the erasure event is in the log.
      await page.getByTestId('tab-audit').click();
      await searchAudit(page, { 'audit-filter-person': PERSON });
      await expect
        .poll(() => page.getByTestId('audit-error').textContent())
        .toContain('erased person');
      await searchAudit(
        page,
        { 'audit-filter-from': localInput(started) },
        { 'audit-filter-kind': 'erasure' },
      );
      const erasure = page.locator('[data-testid="audit-row"][data-kind="erasure"]');
      await erasure.first().waitFor({ timeout: WAIT_MS });
      expect(await erasure.count()).toBe(1);
      expect(await erasure.first().textContent()).not.toContain(PERSON);
      // The chain still verifies after the erasure.
      await page.getByTestId('audit-verify').click();
      await expect.poll(() => page.getByTestId('audit-chain').getAttribute('data-ok')).toBe('true');

      expect(await page.evaluate<string[]>('window.__cspViolations')).toEqual([]);
      expect(requests.filter((u) => !isLocalUrl(u))).toEqual([]);
    } finally {
      await browser.close();
      await session.cleanup();
    }
  });
});
