import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChallengeAction } from '../../src/shared/challenge';
import type { AuditEventView } from '../../src/shared/domain';
import {
  buildRenderer,
  callApi,
  openBrowserSession,
  openTerminalBrowser,
  TERMINAL_STATUS_PROBE,
  unwrap,
  waitForTerminal,
  type BrowserSession,
} from '../support/browser-station';
import { chromiumAvailable } from '../support/chromium-launcher';
import { sharedDataPath } from '../support/shared-data';
import { makeTempDir } from '../support/temp-dir';
import {
  clipToSeamlessY4m,
  clipWithHeldSpanY4m,
  extractStills,
  ffmpegAvailable,
  type ClipSpan,
} from '../support/video-clips';

/**
 * Issue 12, the active challenge end to end: the terminal in Chromium with the fake camera
 * playing real footage, the station choosing the actions (here through the injected chooser,
 * so the test knows them), the terminal showing the instruction and a countdown, the station
 * checking the answer on the frames it receives. "Krz" (Krzysiek354's live webcam clip)
 * faces the camera until 2.5 s and turns to their own left at 2.6-3.1 s; "D10" (a live
 * portrait clip) keeps facing the camera; Apfol's replay is a phone screen in front of the
 * camera.
 */
const WAIT_MS = 120_000;
/** Enrolment, a Chromium start and up to two waits per test, on a shared 2-core machine. */
const SLOW = 400_000;
const ready = chromiumAvailable() && ffmpegAvailable();
if (!ready) console.warn('[challenge e2e] skipped: needs /usr/bin/chromium and ffmpeg');

const KRZ = sharedDataPath(
  'spoof_ext',
  'videos',
  'Krzysiek354+Python_Face_Detection',
  'live',
  'videos__real.mp4',
);
const D10 = sharedDataPath('video', 'liveportrait_d10.mp4');
const APFOL_REAL = sharedDataPath('spoof', 'videos', 'apfol_real.webm');
const APFOL_REPLAY = sharedDataPath('spoof', 'videos', 'apfol_replay.webm');
/** Facing the camera, then a turn to the person's left, held (played forward, then backward). */
const TURN: ClipSpan = { start: 1, duration: 2.3 };
/** The turned part of TURN (absolute seconds), played to and fro so the turn lasts ~2 s. */
const HELD: ClipSpan = { start: 2.7, duration: 0.4 };

const tmp = makeTempDir('station-e2e-challenge-');
const clips = { rendererDir: '', turnLeft: '', facing: '', replay: '' };
let stills: { krz: string[]; d10: string[]; apfol: string[] };
let asked: ChallengeAction[] = ['turn_left'];

async function session(): Promise<BrowserSession> {
  const s = await openBrowserSession({
    rendererDir: clips.rendererDir,
    allowCameras: [clips.turnLeft, clips.facing, clips.replay],
    challengeChooser: () => asked,
  });
  // Every face answers a challenge here, whatever its texture score: the flow under test.
  s.station.doorSettings.setChallenge({ ...s.station.access.challenge(), mode: 'always' }, 'e2e');
  // Krz's 16 fps webcam is nearly still while facing the camera: the stillness rule would hold
  // the challenge back for spoofConfirmWindows windows (then ask it anyway). Not what this file
  // tests, so it is switched off and the challenge starts with the first settled window.
  s.station.doorSettings.setLiveness(
    { ...s.station.access.liveness(), motionSpoofBelow: 0 },
    'e2e',
  );
  for (const [name, files] of [
    ['Krz', stills.krz],
    ['D10', stills.d10],
    ['Apfol', stills.apfol],
  ] as const) {
    const r = unwrap(
      await callApi(s.host, 'enroll:create', {
        name,
        consent: true,
        images: files.map((f) => ({
          fileName: basename(f),
          base64: readFileSync(f).toString('base64'),
        })),
      }),
    );
    expect(r.person?.name).toBe(name);
  }
  return s;
}

async function runTerminal(
  s: BrowserSession,
  camera: string,
  until: (page: Page) => Promise<void>,
): Promise<{ log: string[]; events: AuditEventView[] }> {
  const { browser, page } = await openTerminalBrowser(camera, { probe: TERMINAL_STATUS_PROBE });
  try {
    await page.goto(s.host.url);
    await until(page);
    const log = await page.evaluate<string[]>('window.__statusLog');
    const events = unwrap(await callApi(s.host, 'audit:recent', { limit: 200 })).events;
    return { log, events };
  } finally {
    await browser.close();
  }
}

describe.skipIf(!ready)('active challenge in Chromium (fake camera, real footage)', () => {
  beforeAll(async () => {
    clips.rendererDir = await buildRenderer(join(tmp.dir, 'renderer'));
    stills = {
      krz: extractStills(KRZ, tmp.dir, { start: 5.8, duration: 2 }, 3, 'krz'),
      d10: extractStills(D10, tmp.dir, { start: 10, duration: 2 }, 3, 'd10'),
      apfol: extractStills(APFOL_REAL, tmp.dir, { start: 4, duration: 2 }, 3, 'apfol'),
    };
    clips.turnLeft = clipWithHeldSpanY4m(KRZ, join(tmp.dir, 'turn-left.y4m'), TURN, HELD, 3);
    clips.facing = clipToSeamlessY4m(D10, join(tmp.dir, 'facing.y4m'), { start: 1, duration: 3 });
    clips.replay = clipToSeamlessY4m(APFOL_REPLAY, join(tmp.dir, 'replay.y4m'), {
      start: 1,
      duration: 4,
    });
  }, 300_000);
  afterAll(() => tmp.cleanup());

  it(
    'shows the asked action with a countdown; the footage that performs it is let in',
    async () => {
      asked = ['turn_left'];
      const s = await session();
      try {
        const { log, events } = await runTerminal(s, clips.turnLeft, async (page) => {
          await waitForTerminal(page, 'Turn your head to your left', WAIT_MS);
          const shown = page.getByTestId('terminal-challenge');
          expect(await shown.getAttribute('data-action')).toBe('turn_left');
          const seconds = Number(
            await page.getByTestId('terminal-countdown').getAttribute('data-seconds'),
          );
          expect(seconds).toBeGreaterThan(0);
          expect(seconds).toBeLessThanOrEqual(8);
          await waitForTerminal(page, 'Access granted: Krz', WAIT_MS);
          await page
            .locator('[data-testid="terminal-door"][data-door="unlocked"]')
            .waitFor({ timeout: 10_000 });
        });
        expect(log.indexOf('Turn your head to your left')).toBeLessThan(
          log.indexOf('Access granted: Krz'),
        );
        const granted = events.filter((e) => e.decision === 'granted');
        expect(granted).toHaveLength(1);
        const detail = unwrap(await callApi(s.host, 'audit:detail', { id: granted[0]?.id ?? 0 }));
        expect(detail.facts).toMatchObject({
          challengeActions: 'turn_left',
          challengeResult: 'passed',
        });
      } finally {
        await s.cleanup();
      }
    },
    SLOW,
  );

  it(
    'footage that turns the other way than asked is refused, audited',
    async () => {
      // The same left turn, but the station asked for the right: a recording cannot know which.
      asked = ['turn_right'];
      const s = await session();
      try {
        const { log, events } = await runTerminal(s, clips.turnLeft, (page) =>
          waitForTerminal(page, 'not the movement asked for', WAIT_MS),
        );
        expect(log).toContain('Turn your head to your right');
        expect(log.filter((t) => t.startsWith('Access granted'))).toEqual([]);
        const row = events.find((e) => e.decision === 'challenge_failed');
        const detail = unwrap(await callApi(s.host, 'audit:detail', { id: row?.id ?? 0 }));
        expect(detail.facts).toMatchObject({
          challengeResult: 'failed',
          challengeSeen: 'turn_left',
        });
        expect(events.some((e) => e.decision === 'granted' || e.kind === 'door')).toBe(false);
      } finally {
        await s.cleanup();
      }
    },
    SLOW,
  );

  it(
    'footage that never performs the action times out: a plain refusal, audited',
    async () => {
      asked = ['turn_left'];
      const s = await session();
      s.station.doorSettings.setChallenge(
        { ...s.station.access.challenge(), timeLimitMs: 4_000 },
        'e2e',
      );
      try {
        const { log, events } = await runTerminal(s, clips.facing, (page) =>
          waitForTerminal(page, 'no answer in time', WAIT_MS),
        );
        expect(log).toContain('Turn your head to your left');
        expect(log.filter((t) => t.startsWith('Access granted'))).toEqual([]);
        const row = events.find((e) => e.decision === 'challenge_timeout');
        expect(row?.subject).toBeNull();
        const detail = unwrap(await callApi(s.host, 'audit:detail', { id: row?.id ?? 0 }));
        expect(detail.facts).toMatchObject({ challengeResult: 'timeout', challengeCompleted: 0 });
        expect(events.some((e) => e.decision === 'granted' || e.kind === 'door')).toBe(false);
      } finally {
        await s.cleanup();
      }
    },
    SLOW,
  );

  it(
    'a replay of an enrolled person on a phone screen is never let in',
    async () => {
      asked = ['turn_left'];
      const s = await session();
      try {
        const { log, events } = await runTerminal(s, clips.replay, (page) =>
          waitForTerminal(page, 'Access denied', WAIT_MS),
        );
        expect(log.filter((t) => t.startsWith('Access granted'))).toEqual([]);
        const refusals = ['spoof_suspected', 'challenge_failed', 'challenge_timeout'];
        expect(events.some((e) => refusals.includes(e.decision ?? ''))).toBe(true);
        expect(events.some((e) => e.decision === 'granted' || e.kind === 'door')).toBe(false);
      } finally {
        await s.cleanup();
      }
    },
    SLOW,
  );
});
