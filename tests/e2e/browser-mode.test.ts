import { mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { basename, join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoopbackHost } from '../../src/main/hosts/loopback/loopback-host';
import { SECRET_HEADER } from '../../src/shared/loopback-headers';
import {
  buildRenderer,
  callApi,
  openBrowserSession,
  openTerminalBrowser,
  ROOT,
  unwrap,
  type BrowserSession,
} from '../support/browser-station';
import { chromiumAvailable, isLocalUrl } from '../support/chromium-launcher';
import { sharedDataDir } from '../support/shared-data';
import { makeTempDir } from '../support/temp-dir';
import { clipToY4m, extractStills, ffmpegAvailable } from '../support/video-clips';

/**
 * Browser mode end to end: the built renderer in Debian's Chromium with a fake camera fed from
 * real clips, MediaPipe in the page, the real station (ONNX, FAISS, SQLite) behind the loopback
 * host. Each test gets its own data folder.
 *
 * Clips (picked by looking at them): A = liveportrait_d13 (a man with glasses at a phone-held
 * camera, the most webcam-like); B = liveportrait_d10 (a different person: a woman). A's
 * enrolment stills and A's terminal stream come from different parts of the clip.
 */

const PERSON_A = 'Alex Door';
const MODELS_DIR = join(ROOT, 'resources', 'models');
/** Long enough for model start-up plus many frames on a slow 2-core machine; a pass is usually seconds. */
const DECISION_WAIT_MS = 90_000;

const ready = chromiumAvailable() && ffmpegAvailable();
if (!ready) console.warn('[browser-mode e2e] skipped: needs /usr/bin/chromium and ffmpeg');

interface Fixture {
  rendererDir: string;
  stillsA: string[];
  cameraA: string;
  cameraB: string;
}

/** Requests of every page, across all tests: (c) checks that none left the machine. */
const allRequests: string[] = [];

/** Records what the terminal said and any CSP violation, from the first script on. */
const PAGE_PROBE = `
  window.__statusLog = [];
  window.__cspViolations = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI);
  });
  new MutationObserver(() => {
    const el = document.querySelector('[data-testid="terminal-status"]');
    const text = el && el.textContent ? el.textContent.trim() : '';
    if (text && window.__statusLog[window.__statusLog.length - 1] !== text) window.__statusLog.push(text);
  }).observe(document, { subtree: true, childList: true, characterData: true });
`;

async function openSession(modelsDir?: string): Promise<BrowserSession> {
  return openBrowserSession({
    rendererDir: fixture.rendererDir,
    ...(modelsDir ? { modelsDir } : {}),
    allowCameras: [fixture.cameraA, fixture.cameraB],
  });
}

function openTerminal(camera: string) {
  return openTerminalBrowser(camera, {
    probe: PAGE_PROBE,
    onRequest: (url) => void allRequests.push(url),
  });
}

const statusOf = (page: Page) => page.getByTestId('terminal-status');
const statusLog = (page: Page) => page.evaluate<string[]>('window.__statusLog');
const cspViolations = (page: Page) => page.evaluate<string[]>('window.__cspViolations');

let fixture: Fixture;
const fixtureDir = makeTempDir('station-e2e-fixture-');

describe.skipIf(!ready)('browser mode, end to end', () => {
  beforeAll(async () => {
    const video = join(sharedDataDir(), 'video');
    const stillsDir = join(fixtureDir.dir, 'stills');
    mkdirSync(stillsDir);
    const rendererDir = await buildRenderer(join(fixtureDir.dir, 'renderer'));
    fixture = {
      rendererDir,
      // Part 1 of clip A (0.5-4.5 s) to enrol from; part 2 (6-10 s) walks up to the door.
      stillsA: extractStills(
        join(video, 'liveportrait_d13.mp4'),
        stillsDir,
        { start: 0.5, duration: 4 },
        5,
        'a',
      ),
      cameraA: clipToY4m(join(video, 'liveportrait_d13.mp4'), join(fixtureDir.dir, 'a-part2.y4m'), {
        start: 6,
        duration: 4,
      }),
      cameraB: clipToY4m(join(video, 'liveportrait_d10.mp4'), join(fixtureDir.dir, 'b.y4m'), {
        start: 2,
        duration: 4,
      }),
    };
  });
  afterAll(() => fixtureDir.cleanup());

  it('(a, e) enrols A through the UI, then grants A at the door and audits the decision', async () => {
    const session = await openSession();
    const { browser, page } = await openTerminal(fixture.cameraA);
    try {
      await page.goto(session.host.url);
      expect(page.url()).not.toContain('secret='); // taken from the fragment and removed
      await page.getByTestId('tab-enroll').click();
      await page.getByTestId('enroll-name').fill(PERSON_A);
      await page.getByTestId('enroll-files').setInputFiles(fixture.stillsA);
      await expect.poll(() => page.getByTestId('enroll-submit').isDisabled()).toBe(true); // no consent yet
      await page.getByTestId('enroll-consent').check();
      await page.getByTestId('enroll-submit').click();
      await page.getByTestId('enroll-result').waitFor({ timeout: DECISION_WAIT_MS });
      const rows = await page.getByTestId('enroll-result-row').all();
      const statuses = await Promise.all(rows.map((r) => r.getAttribute('data-status')));
      expect(statuses).toHaveLength(fixture.stillsA.length);
      expect(statuses.filter((s) => s === 'enrolled').length).toBeGreaterThanOrEqual(3);
      await expect
        .poll(() => page.getByTestId('people-row').allTextContents())
        .toEqual([expect.stringContaining(PERSON_A)]);

      await page.getByTestId('tab-terminal').click();
      await statusOf(page)
        .filter({ hasText: `Access granted: ${PERSON_A}` })
        .waitFor({ timeout: DECISION_WAIT_MS });
      await expect.poll(() => statusOf(page).getAttribute('data-decision')).toBe('granted');

      // (e) The decision is in the audit log, under the person's pseudonym, never the name.
      const events = unwrap(await callApi(session.host, 'audit:recent', { limit: 100 })).events;
      const person = unwrap(await callApi(session.host, 'people:list', {})).people[0];
      const granted = events.filter((e) => e.kind === 'decision' && e.decision === 'granted');
      expect(granted.length).toBeGreaterThanOrEqual(1);
      expect(granted[0]?.subject).toBe(session.station.auditAdmin.subjectOf(person?.id ?? ''));
      expect(JSON.stringify(events)).not.toContain(PERSON_A);
      expect(events.some((e) => e.kind === 'enrolment')).toBe(true);
      // ... and the Audit view lists it.
      await page.getByTestId('tab-audit').click();
      await page.locator('[data-testid="audit-row"][data-decision="granted"]').first().waitFor();

      expect(await cspViolations(page)).toEqual([]);
    } finally {
      await browser.close();
      await session.cleanup();
    }
  });

  it('(b, e) shows "Unknown person" for someone else, never a name, and audits it', async () => {
    const session = await openSession();
    // A is enrolled (through the API this time) so B is compared against a real gallery.
    const enrolled = unwrap(
      await callApi(session.host, 'enroll:create', {
        name: PERSON_A,
        consent: true,
        images: fixture.stillsA.map((file) => ({
          fileName: basename(file),
          base64: readFileSync(file).toString('base64'),
        })),
      }),
    );
    expect(enrolled.person?.name).toBe(PERSON_A);
    const { browser, page } = await openTerminal(fixture.cameraB);
    try {
      await page.goto(session.host.url);
      await statusOf(page)
        .filter({ hasText: 'Unknown person' })
        .waitFor({ timeout: DECISION_WAIT_MS });
      // Let several more frames be decided, then check nothing ever named anyone.
      await page.waitForTimeout(3_000);
      const log = await statusLog(page);
      expect(log).toContain('Unknown person');
      expect(log.filter((s) => s.startsWith('Access granted'))).toEqual([]);

      const events = unwrap(await callApi(session.host, 'audit:recent', { limit: 100 })).events;
      const unknown = events.filter((e) => e.kind === 'decision' && e.decision === 'unknown_face');
      expect(unknown.length).toBeGreaterThanOrEqual(1);
      expect(unknown.every((e) => e.subject === null)).toBe(true);
      expect(events.some((e) => e.decision === 'granted')).toBe(false);
      expect(await cspViolations(page)).toEqual([]);
    } finally {
      await browser.close();
      await session.cleanup();
    }
  });

  it('(d) hardens the API: no secret -> 401, malformed -> BAD_REQUEST, traversal -> 404', async () => {
    const session = await openSession();
    try {
      const { host } = session;
      const noSecret = await fetch(`${host.origin}/api/people:list`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      expect(noSecret.status).toBe(401);
      expect(await noSecret.json()).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });

      const malformed = await callApi(host, 'access:frame', {
        frameId: -1,
        frameWidth: 0,
        frameHeight: 1,
        faces: [],
        region: null,
      });
      expect(malformed).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
      const noConsent = await fetch(`${host.origin}/api/enroll:create`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [SECRET_HEADER]: host.secret },
        body: JSON.stringify({
          name: 'X',
          consent: false,
          images: [{ fileName: 'a.jpg', base64: 'AAAA' }],
        }),
      });
      expect(noConsent.status).toBe(400);
      expect(await noConsent.json()).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });

      for (const path of [
        '/../package.json',
        '/..%2f..%2fpackage.json',
        '/%2e%2e/%2e%2e/etc/passwd',
        '/assets/..%2F..%2F..%2Fpackage.json',
      ]) {
        expect(await rawStatus(host, path), path).toBe(404);
      }
      expect(await rawStatus(host, '/', { host: 'rebind.example' })).toBe(421);
      const index = await fetch(`${host.origin}/`);
      expect(index.headers.get('content-security-policy')).toContain("connect-src 'self'");
    } finally {
      await session.cleanup();
    }
  });

  it('(f) a tampered detector model stops the terminal with a clear message, not a hang', async () => {
    // A models folder whose browser detector has one byte changed; the ONNX models are intact.
    const models = join(fixtureDir.dir, 'tampered-models');
    mkdirSync(models);
    for (const name of readdirSync(MODELS_DIR))
      symlinkSync(join(MODELS_DIR, name), join(models, name));
    const detector = 'face_detection_short_range.meta.tflite';
    const bytes = readFileSync(join(MODELS_DIR, detector));
    bytes[bytes.length >> 1] = (bytes[bytes.length >> 1] ?? 0) ^ 0xff;
    rmSync(join(models, detector));
    writeFileSync(join(models, detector), bytes);

    const session = await openSession(models);
    const { browser, page } = await openTerminal(fixture.cameraA);
    try {
      await page.goto(session.host.url);
      const failed = page.locator('[data-testid="terminal-status"][data-phase="failed"]');
      await failed.waitFor({ timeout: DECISION_WAIT_MS });
      expect(await failed.textContent()).toContain('integrity check');
      // Nothing was decided: the terminal never ran without its verified detector.
      const events = unwrap(await callApi(session.host, 'audit:recent', { limit: 10 })).events;
      expect(events.filter((e) => e.kind === 'decision')).toEqual([]);
    } finally {
      await browser.close();
      await session.cleanup();
    }
  });

  // Runs last and checks the requests of the pages of (a) and (b): MediaPipe must not phone home.
  it('(c) every request any page made went to 127.0.0.1', () => {
    expect(allRequests.length).toBeGreaterThan(0);
    expect(allRequests.filter((u) => !isLocalUrl(u))).toEqual([]);
    const hosts = new Set(
      allRequests.filter((u) => u.startsWith('http')).map((u) => new URL(u).hostname),
    );
    expect([...hosts]).toEqual(['127.0.0.1']);
    // MediaPipe's runtime came from our own build, not a CDN.
    expect(allRequests.some((u) => /\/mediapipe\/vision_wasm_internal\.wasm$/.test(u))).toBe(true);
  });
});

function rawStatus(
  host: LoopbackHost,
  path: string,
  headers: Record<string, string> = {},
): Promise<number> {
  const { hostname, port } = new URL(host.origin);
  return new Promise((resolvePromise, reject) => {
    const req = httpRequest({ host: hostname, port: Number(port), path, headers }, (res) => {
      res.resume();
      res.on('end', () => resolvePromise(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}
