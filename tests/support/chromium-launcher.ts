/**
 * Launches Debian's Chromium (playwright-core cannot download its own browser here) with flags
 * that keep it from talking to anything but us, and records every request a page makes so
 * tests can assert that nothing left the machine.
 */
import { existsSync } from 'node:fs';
import {
  chromium,
  type Browser,
  type LaunchOptions,
  type Page,
  type Request,
} from 'playwright-core';

/** `CHROMIUM_PATH` overrides Debian's /usr/bin/chromium. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Headless, no GPU, and no background traffic of Chromium's own (component updates, sync,
 * first-run pings), so a request log shows only what the page did.
 */
export const CHROMIUM_OFFLINE_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export interface ChromiumLaunchOptions {
  /** Appended after CHROMIUM_OFFLINE_ARGS (e.g. fake-camera flags). */
  extraArgs?: readonly string[];
  /** Any other playwright launch options (timeout, env, ...). */
  launch?: Omit<LaunchOptions, 'executablePath' | 'args'>;
}

export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM_PATH);
}

export async function launchChromium(options: ChromiumLaunchOptions = {}): Promise<Browser> {
  if (!chromiumAvailable()) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH)`,
    );
  }
  return chromium.launch({
    headless: true,
    ...options.launch,
    executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_OFFLINE_ARGS, ...(options.extraArgs ?? [])],
  });
}

/** True for URLs that stay on this machine: loopback hosts, and data:/blob:/about: URLs. */
export function isLocalUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (['data:', 'blob:', 'about:'].includes(parsed.protocol)) return true;
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

export interface RequestLog {
  /** Every request URL the page (and its workers) started, in order. */
  readonly all: readonly string[];
  /** Those that would leave the machine; a test asserts this is empty. */
  nonLocal(): string[];
  /** Stops recording. */
  dispose(): void;
}

export interface RecordOptions {
  /**
   * Also abort non-local requests (they are still logged), so a leak fails closed instead of
   * reaching the network. Default false: record only.
   */
  blockNonLocal?: boolean;
}

/** Starts recording the requests of `page` (attach before navigating). */
export async function recordRequests(page: Page, options: RecordOptions = {}): Promise<RequestLog> {
  const all: string[] = [];
  const onRequest = (req: Request): void => void all.push(req.url());
  page.on('request', onRequest);
  if (options.blockNonLocal) {
    await page.route(
      (url) => !isLocalUrl(url.href),
      (route) => route.abort('blockedbyclient'),
    );
  }
  return {
    all,
    nonLocal: () => all.filter((u) => !isLocalUrl(u)),
    dispose: () => void page.off('request', onRequest),
  };
}
