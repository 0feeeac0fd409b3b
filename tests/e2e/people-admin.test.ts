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

/** Model start-up and enrolment on a slow, shared 2-core machine. */
const WAIT_MS = 90_000;
const amy = (i: number) =>
  sharedDataPath('small_identity_sets', 'faceapi_bbt', 'amy', `amy${i}.png`);

const ready = chromiumAvailable();
if (!ready) console.warn('[people e2e] skipped: needs /usr/bin/chromium');

/**
 * The HR admin's people management in Chromium against the real station: enrol with an
 * employee id and groups; a second enrolment of the same face is answered with the right
 * headline and two buttons, and "same person" adds the photos to the enrolled person; the list
 * is searched by employee id; the edit dialog (focus in it) changes id, groups and the door
 * schedule chosen by name; "Add photos" turns the form into a re-enrolment of that person.
 */
describe.skipIf(!ready)('people management, end to end', () => {
  const fixture = makeTempDir('station-people-e2e-');
  let session: BrowserSession;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
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

  const outcome = () => page.getByTestId('enroll-outcome');

  it('enrols with employee id and groups; a duplicate face offers the right buttons', async () => {
    // A radio button sits next to its words (its label is not stretched across the form).
    const radio = page.locator('label', { has: page.getByTestId('mode-files') });
    expect((await radio.boundingBox())?.width).toBeLessThan(300);
    await page.getByTestId('enroll-name').fill('Amy Adams');
    await page.getByTestId('enroll-employee-id').fill('E1');
    await page.getByTestId('enroll-groups').fill('staff; lab');
    await page.getByTestId('enroll-files').setInputFiles([amy(1), amy(2), amy(3)]);
    await page.getByTestId('enroll-consent').check();
    await page.getByTestId('enroll-submit').click();
    await expect
      .poll(() => outcome().textContent(), { timeout: WAIT_MS })
      .toBe('Enrolled Amy Adams.');
    const row = page.getByTestId('people-row').filter({ hasText: 'Amy Adams' });
    expect(await row.getByTestId('person-employee-id').textContent()).toBe('E1');
    expect(await row.getByTestId('person-groups').textContent()).toBe('lab, staff');

    await page.getByTestId('enroll-name').fill('Someone New');
    await page.getByTestId('enroll-files').setInputFiles([amy(4), amy(5)]);
    await page.getByTestId('enroll-consent').check();
    await page.getByTestId('enroll-submit').click();
    await expect
      .poll(() => outcome().textContent(), { timeout: WAIT_MS })
      .toBe('Nothing was enrolled: a face matches Amy Adams, who is already enrolled.');
    expect(await page.getByTestId('duplicate-different').textContent()).toBe(
      'A different person: enrol anyway',
    );
    await page.getByTestId('duplicate-same').click();
    await expect
      .poll(() => outcome().textContent(), { timeout: WAIT_MS })
      .toBe('Enrolled Amy Adams.');
    const people = session.station.directory.list();
    expect(people.map((p) => [p.name, p.templates])).toEqual([['Amy Adams', 5]]);
  });

  it('edits schedules as forms, searches by employee id, edits a person in a focused dialog', async () => {
    // The door schedules as forms: a named schedule of weekday windows, and the group's choice.
    await page.getByTestId('schedule-add').click();
    await page.getByTestId('schedule-name').last().fill('office');
    await page.locator('[data-testid="group-schedule"][data-group="lab"]').selectOption('office');
    await page.getByTestId('schedules-save').click();
    await page.getByTestId('schedules-saved').waitFor();
    expect(session.station.peopleAdmin.schedules()).toMatchObject({
      schedules: { office: [{ days: [1, 2, 3, 4, 5], from: '08:00', to: '18:00' }] },
      groupSchedules: { lab: 'office' },
    });
    await page.getByTestId('people-search').fill('e1');
    await expect.poll(() => page.getByTestId('people-row').count()).toBe(1);
    await page.getByTestId('people-search').fill('nobody-like-this');
    await expect.poll(() => page.getByTestId('people-row').count()).toBe(0);
    await page.getByTestId('people-search').fill('');

    await page.getByTestId('person-edit').click();
    await page.getByTestId('edit-dialog').waitFor();
    const focused = "document.activeElement && document.activeElement.getAttribute('data-testid')";
    expect(await page.evaluate(focused)).toBe('edit-name');
    await page.getByTestId('edit-employee-id').fill('E100');
    await page.getByTestId('edit-groups').fill('staff');
    await page.getByTestId('edit-schedule').selectOption('office');
    await page.getByTestId('edit-save').click();
    const row = page.getByTestId('people-row').first();
    await expect.poll(() => row.getByTestId('person-employee-id').textContent()).toBe('E100');
    expect(await row.getByTestId('person-groups').textContent()).toBe('staff (office)');
    expect(session.station.directory.list()[0]).toMatchObject({
      employeeId: 'E100',
      groups: ['staff'],
      schedule: 'office',
    });

    await page.getByTestId('person-add-photos').click();
    expect(await page.getByTestId('enroll-target').textContent()).toContain(
      'Adding photos to Amy Adams',
    );
    await page.getByTestId('enroll-target-cancel').click();
    await page.getByTestId('enroll-name').waitFor();
  });
});
