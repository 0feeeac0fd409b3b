import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { startLoopbackHost } from '../../src/main/host/loopback-host';
import type { Handlers } from '../../src/main/core/ipc/dispatch';
import { launchChromium } from '../support/chromium-launcher';

const model = readFileSync('resources/models/face_detection_short_range.meta.tflite');
let frames = 0;
const handlers: Handlers = {
  'station:status': () => Promise.resolve({ version: 'x', mode: 'browser', modelId: 'm', people: 0, templates: 0, thresholds: { identify: 0.4, margin: 0.05, verify: 0.3, minInterEyePx: 24 } }),
  'people:list': () => Promise.resolve({ people: [] }),
  'enroll:create': () => Promise.resolve({ person: null, files: [] }),
  'access:frame': (req) => { frames++; if (frames < 3) console.log(JSON.stringify({...req, region: req.region && {...req.region, rgbaBase64: req.region.rgbaBase64.length}})); return Promise.resolve({ frameId: req.frameId, faces: [], decision: 'granted', person: { id: '1', name: 'Test' } }); },
  'audit:recent': () => Promise.resolve({ events: [] }),
  'models:detector': () => Promise.resolve({ fileName: 'x', sha256: createHash('sha256').update(model).digest('hex'), base64: model.toString('base64') }),
};
const host = await startLoopbackHost({ handlers, rendererDir: 'out/renderer' });
const browser = await launchChromium({ extraArgs: ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', '--use-file-for-fake-video-capture=/tmp/scratch/a2.y4m'] });
const ctx = await browser.newContext();
const page = await ctx.newPage();
const reqs: string[] = [];
ctx.on('request', (r) => reqs.push(r.url()));
page.on('console', (m) => console.log('console', m.type(), m.text().slice(0, 300)));
page.on('pageerror', (e) => console.log('pageerror', e.message));
const t0 = Date.now();
await page.goto(host.url);
await page.getByTestId('terminal-status').filter({ hasText: 'Access granted' }).waitFor({ timeout: 60000 });
console.log('granted after', Date.now() - t0, 'ms; frames', frames);
await page.waitForTimeout(3000);
console.log('frames after 3 s more', frames, await page.getByTestId('terminal-faces').textContent());
await page.screenshot({ path: '/tmp/scratch/shot.png' });
console.log(new Set(reqs.map((u) => new URL(u).origin)));
console.log('url now', page.url());
await browser.close();
await host.close();
