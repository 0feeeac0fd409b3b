/**
 * Door latency end to end (issue 3): from the first camera frame in which MediaPipe sees the
 * person to the door command, through the whole terminal path: Chromium's fake camera playing
 * a real recording, MediaPipe in the page, the frame over the loopback host, tracking,
 * identification, the liveness window and the rules in the station, the (simulated) relay
 * command, and the answer back in the page. Measured in the page (performance.now) by the
 * terminal itself (TerminalState.decisionLatencyMs, shown as "Decided in N ms").
 *
 *   npx tsx bench/door-latency.ts [--runs 10] [--fps 30]
 *
 * Each run is a fresh page and a fresh face track against one warm station (as at a door: the
 * station runs all day, people arrive one by one). Person: "apfol" from spoof/videos, enrolled
 * from 4-6 s of the live clip; the camera plays 0-4 s of it.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_ACCESS_POLICY } from '../src/main/core/access/access-policy.schema';
import { DEFAULT_LIVENESS_SETTINGS } from '../src/main/core/liveness/liveness-settings';
import { openBrowserSession, openTerminalBrowser, ROOT } from '../tests/support/browser-station';
import { sharedDataPath } from '../tests/support/shared-data';
import { makeTempDir } from '../tests/support/temp-dir';
import { clipToY4m, extractStills } from '../tests/support/video-clips';
import { ms, summarize } from './bench-stats';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { runs: { type: 'string', default: '10' }, fps: { type: 'string', default: '30' } },
  });
  const runs = Number(values.runs);
  const fps = Number(values.fps);
  const tmp = makeTempDir('station-bench-door-');
  try {
    const rendererDir = join(tmp.dir, 'renderer');
    // vite's JS API cannot run under tsx's CommonJS loader: build with its CLI.
    execFileSync(
      'npx',
      [
        'vite',
        'build',
        '--config',
        'vite.web.config.ts',
        '--outDir',
        rendererDir,
        '--emptyOutDir',
        '--logLevel',
        'warn',
      ],
      { cwd: ROOT, stdio: 'inherit' },
    );
    const clip = sharedDataPath('spoof', 'videos', 'apfol_real.webm');
    const stills = extractStills(clip, tmp.dir, { start: 4, duration: 2 }, 3, 'apfol');
    const camera = clipToY4m(clip, join(tmp.dir, 'live.y4m'), { start: 0, duration: 4 }, fps);
    const session = await openBrowserSession({ rendererDir, allowCameras: [camera] });
    const latencies: number[] = [];
    const outcomes: string[] = [];
    try {
      await session.station.enroll({
        name: 'Apfol',
        consent: true,
        images: stills.map((f) => ({ fileName: f, bytes: readFileSync(f) })),
        recordedBy: 'bench',
      });
      for (let i = 0; i < runs; i++) {
        const { browser, page } = await openTerminalBrowser(camera);
        try {
          await page.goto(session.host.url);
          const latency = page.getByTestId('terminal-latency');
          await latency.waitFor({ timeout: 120_000 });
          latencies.push(Number(await latency.getAttribute('data-ms')));
          outcomes.push(
            (await page.getByTestId('terminal-status').getAttribute('data-decision')) ?? '?',
          );
        } finally {
          await browser.close();
        }
      }
    } finally {
      await session.cleanup();
    }
    const s = summarize(latencies);
    const granted = outcomes.filter((o) => o === 'granted').length;
    const policy = {
      agreeFrames: DEFAULT_ACCESS_POLICY.agreeFrames,
      windowFrames: DEFAULT_LIVENESS_SETTINGS.windowFrames,
    };
    console.log(
      `### Door latency: first frame with the person -> door command (${fps} fps camera)\n`,
    );
    console.log(
      `Machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), Node ${process.version}; ${runs} runs, fresh page each.`,
    );
    console.log(
      `Decision: ${policy.agreeFrames} agreeing identity frames and a ${policy.windowFrames}-frame liveness window (defaults).\n`,
    );
    console.log(`Outcomes: ${outcomes.join(', ')}.\n`);
    console.log('| runs | granted | p50 | p95 | min | max |');
    console.log('|---:|---:|---:|---:|---:|---:|');
    console.log(
      `| ${s.n} | ${granted} | ${ms(s.p50)} | ${ms(s.p95)} | ${ms(s.min)} | ${ms(s.max)} |`,
    );
  } finally {
    tmp.cleanup();
  }
}

void main();
