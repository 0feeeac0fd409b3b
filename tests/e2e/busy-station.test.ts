import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildRenderer,
  callApi,
  openBrowserSession,
  openTerminalBrowser,
  TERMINAL_STATUS_PROBE,
  unwrap,
  waitForTerminal,
} from '../support/browser-station';
import { chromiumAvailable } from '../support/chromium-launcher';
import { sharedDataPath } from '../support/shared-data';
import { makeTempDir } from '../support/temp-dir';
import { clipToY4m, extractStills, ffmpegAvailable } from '../support/video-clips';

/**
 * Item 14 of issue 13: browser-mode.test.ts "(a, e) ... grants A at the door" timed out after
 * 90 s once, in a whole `npm test` right after `npm run setup` (4 s alone). Cause: the
 * terminal sends its next frame when the station answered the last one, and on a machine that
 * busy the answers came more than a second apart. The face tracker forgot a face unseen for
 * 1 s of capture time, so every frame started a new track and no track ever gathered its
 * agreeing frames and liveness window: "Looking…" until the test gave up. (With the tracker
 * fixed alone, motion measured over such gaps read a live face as a photo: spoof_suspected.)
 *
 * Here the same clip and enrolment as that test, with every door answer held back 1.3 s: the
 * door must still let A in. Same wait as the original test; a pass takes well under it.
 */
const PERSON = 'Alex Door';
const WAIT_MS = 90_000;
const ANSWER_DELAY_MS = 1_300;
const ready = chromiumAvailable() && ffmpegAvailable();
if (!ready) console.warn('[busy-station e2e] skipped: needs /usr/bin/chromium and ffmpeg');

const tmp = makeTempDir('station-e2e-busy-');
let rendererDir = '';
let stills: string[] = [];
let camera = '';

describe.skipIf(!ready)('a busy station still decides at the door', () => {
  beforeAll(async () => {
    const clip = sharedDataPath('video', 'liveportrait_d13.mp4');
    rendererDir = await buildRenderer(join(tmp.dir, 'renderer'));
    stills = extractStills(clip, tmp.dir, { start: 0.5, duration: 4 }, 5, 'a');
    camera = clipToY4m(clip, join(tmp.dir, 'a-part2.y4m'), { start: 6, duration: 4 });
  });
  afterAll(() => tmp.cleanup());

  it(`grants A although every frame is answered ${ANSWER_DELAY_MS} ms late`, async () => {
    const session = await openBrowserSession({
      rendererDir,
      allowCameras: [camera],
      frameAnswerDelayMs: ANSWER_DELAY_MS,
    });
    // The passive window at a busy pace is what is tested; the active challenge has its own
    // tests (door-challenge): a looped recording cannot answer a random one.
    session.station.doorSettings.setChallenge(
      { ...session.station.access.challenge(), mode: 'off' },
      'e2e',
    );
    const { browser, page } = await openTerminalBrowser(camera, { probe: TERMINAL_STATUS_PROBE });
    try {
      const enrolled = unwrap(
        await callApi(session.host, 'enroll:create', {
          name: PERSON,
          consent: true,
          images: stills.map((f) => ({
            fileName: basename(f),
            base64: readFileSync(f).toString('base64'),
          })),
        }),
      );
      expect(enrolled.person?.name).toBe(PERSON);
      await page.goto(session.host.url);
      await waitForTerminal(page, `Access granted: ${PERSON}`, WAIT_MS);
      const events = unwrap(await callApi(session.host, 'audit:recent', { limit: 50 })).events;
      expect(events.some((e) => e.kind === 'decision' && e.decision === 'granted')).toBe(true);
      // A slow station is not a reason to refuse anyone.
      expect(events.some((e) => e.decision === 'spoof_suspected')).toBe(false);
    } finally {
      await browser.close();
      await session.cleanup();
    }
  });
});
