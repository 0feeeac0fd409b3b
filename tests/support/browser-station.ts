/**
 * Shared plumbing of the Chromium end-to-end tests: the renderer built from source, a real
 * station behind the loopback host in its own data folder, Chromium with a fake camera fed
 * from a `.y4m` file, and typed calls to the station's HTTP API.
 */
import { resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { build } from 'vite';
import { webRendererViteConfig } from '../../scripts/vite/renderer-config';
import { createStationHandlers } from '../../src/main/core/ipc/station-handlers';
import type { ChallengeChooser } from '../../src/main/core/challenge/challenge-chooser';
import type { Station } from '../../src/main/core/station.service';
import { startLoopbackHost, type LoopbackHost } from '../../src/main/hosts/loopback/loopback-host';
import { openStation } from '../../src/main/station-factory';
import { BINARY_BODY_CONTENT_TYPE, encodeBinaryBody, hasBytes } from '../../src/shared/binary-body';
import type { Channel, RequestOf, ResponseOf } from '../../src/shared/contract';
import type { Result } from '../../src/shared/errors';
import { launchChromium } from './chromium-launcher';
import { makeTempDir } from './temp-dir';
import { SECRET_HEADER } from '../../src/shared/loopback-headers';

export const ROOT = resolve(import.meta.dirname, '..', '..');

/** Builds the renderer from source into `outDir`: tests never run a stale out/renderer. */
export async function buildRenderer(outDir: string): Promise<string> {
  const web = webRendererViteConfig(ROOT);
  await build({ ...web, configFile: false, logLevel: 'warn', build: { ...web.build, outDir } });
  return outDir;
}

export interface BrowserSession {
  station: Station;
  /** The station's data folder (another process, e.g. the CLI, may open it too). */
  dataDir: string;
  host: LoopbackHost;
  cleanup: () => Promise<void>;
}

/**
 * A station in a fresh data folder behind the loopback host. Chromium's fake camera is named
 * after its video file, which the station refuses as an injected stream, as it should; an
 * admin allows those files here (`allowCameras`: the .y4m paths the test will play).
 */
export async function openBrowserSession(opts: {
  rendererDir: string;
  modelsDir?: string;
  allowCameras?: readonly string[];
  /**
   * Holds every door frame's answer back this long: a station as busy as a loaded machine
   * makes it (first-run work, a whole test run on two cores), deterministically.
   */
  frameAnswerDelayMs?: number;
  /** Fixes the active challenge's actions (composition-level injection, tests only). */
  challengeChooser?: ChallengeChooser;
  /** The station's clock (audit times): a test sets the day and hour its events happen at. */
  now?: () => Date;
}): Promise<BrowserSession> {
  const temp = makeTempDir('station-e2e-data-');
  let station: Station | undefined;
  try {
    station = await openStation({
      dataDir: temp.dir,
      mode: 'browser',
      ...(opts.modelsDir ? { modelsDir: opts.modelsDir } : {}),
      ...(opts.challengeChooser ? { challengeChooser: opts.challengeChooser } : {}),
      ...(opts.now ? { now: opts.now } : {}),
    });
    if (opts.allowCameras?.length)
      station.doorSettings.setAccessPolicy(
        { ...station.access.policy(), allowedCameraLabels: [...opts.allowCameras] },
        'e2e-admin',
      );
    const handlers = createStationHandlers(station);
    const delay = opts.frameAnswerDelayMs ?? 0;
    if (delay > 0) {
      const frame = handlers['access:frame'];
      handlers['access:frame'] = async (req, caller) => {
        const answer = await frame(req, caller);
        await new Promise((r) => setTimeout(r, delay));
        return answer;
      };
    }
    const opened = station;
    const host = await startLoopbackHost({
      handlers,
      doorEvents: (listener) => opened.terminalAdmin.subscribe(listener),
      rendererDir: opts.rendererDir,
    });
    return {
      station: opened,
      dataDir: temp.dir,
      host,
      cleanup: async () => {
        await host.close();
        opened.close();
        temp.cleanup();
      },
    };
  } catch (err) {
    // A station that failed to start must not leave its data folder behind.
    station?.close();
    temp.cleanup();
    throw err;
  }
}

export async function callApi<C extends Channel>(
  host: LoopbackHost,
  channel: C,
  body: RequestOf<C>,
): Promise<Result<ResponseOf<C>>> {
  // As the page's client does: a request with raw bytes (a frame region) as a binary body.
  const binary = hasBytes(body);
  const res = await fetch(`${host.origin}/api/${channel}`, {
    method: 'POST',
    headers: {
      'content-type': binary ? BINARY_BODY_CONTENT_TYPE : 'application/json',
      [SECRET_HEADER]: host.secret,
    },
    body: binary ? (encodeBinaryBody(body) as Uint8Array<ArrayBuffer>) : JSON.stringify(body),
  });
  return (await res.json()) as Result<ResponseOf<C>>;
}

export function unwrap<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value;
}

/**
 * Chromium whose camera plays `camera` (a .y4m) in a loop, or Chromium's own test pattern when
 * null (admin and reviewer views); `probe` runs before page scripts.
 */
export async function openTerminalBrowser(
  camera: string | null,
  opts: { probe?: string; onRequest?: (url: string) => void } = {},
): Promise<{ browser: Browser; context: BrowserContext; page: Page }> {
  const browser = await launchChromium({
    extraArgs: [
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      ...(camera ? [`--use-file-for-fake-video-capture=${camera}`] : []),
    ],
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  if (opts.onRequest) {
    const record = opts.onRequest;
    context.on('request', (r) => record(r.url()));
  }
  if (opts.probe) await context.addInitScript({ content: opts.probe });
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('[page error]', e.message));
  return { browser, context, page };
}

/** Records every text the terminal's big status showed, in order (window.__statusLog). */
export const TERMINAL_STATUS_PROBE = `
  window.__statusLog = [];
  new MutationObserver(() => {
    const el = document.querySelector('[data-testid="terminal-status"]');
    const text = el && el.textContent ? el.textContent.trim() : '';
    if (text && window.__statusLog[window.__statusLog.length - 1] !== text) window.__statusLog.push(text);
  }).observe(document, { subtree: true, childList: true, characterData: true });
`;

/** Waits until the terminal says `text`; a timeout reports what it did say. */
export async function waitForTerminal(page: Page, text: string, timeoutMs: number): Promise<void> {
  try {
    await page
      .getByTestId('terminal-status')
      .filter({ hasText: text })
      .waitFor({ timeout: timeoutMs });
  } catch (err) {
    const log = await page.evaluate<string[]>('window.__statusLog ?? []');
    throw new Error(`terminal never said "${text}"; it said: ${JSON.stringify(log.slice(-20))}`, {
      cause: err,
    });
  }
}
