import { startLoopbackHost } from '../../src/main/host/loopback-host';
import type { Handlers } from '../../src/main/core/ipc/dispatch';
import { launchChromium } from '../support/chromium-launcher';
import { readdirSync } from 'node:fs';

const people: { id: string; name: string; templates: number; enrolledAt: string }[] = [];
const handlers: Handlers = {
  'station:status': () => Promise.resolve({ version: 'x', mode: 'browser', modelId: 'm', people: 0, templates: 0, thresholds: { identify: 0.4, margin: 0.05, verify: 0.3, minInterEyePx: 24 } }),
  'people:list': () => Promise.resolve({ people }),
  'enroll:create': async (req) => { await new Promise((r) => setTimeout(r, 1500)); people.push({ id: 'p', name: req.name, templates: 4, enrolledAt: new Date().toISOString() }); return { person: { id: 'p', name: req.name }, files: req.images.map((i, k) => ({ file: i.fileName, status: k === 2 ? 'duplicate_image' as const : 'enrolled' as const })) }; },
  'access:frame': (req) => Promise.resolve({ frameId: req.frameId, faces: [], decision: 'unknown_face', person: null }),
  'audit:recent': () => Promise.resolve({ events: [{ id: 1, at: new Date().toISOString(), kind: 'decision', decision: 'granted', subject: 'ab12cd34ef56ab12cd34ef56', similarity: 0.71 }, { id: 2, at: new Date().toISOString(), kind: 'enrolment', decision: null, subject: 'ab12cd34ef56ab12cd34ef56', similarity: null }] }),
  'models:detector': () => Promise.reject(new Error('x')),
};
const host = await startLoopbackHost({ handlers, rendererDir: 'out/renderer' });
const browser = await launchChromium({ extraArgs: ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream'] });
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
page.on('console', (m) => console.log('console', m.type(), m.text().slice(0, 300)));
await page.goto(host.url);
await page.waitForTimeout(1000);
await page.screenshot({ path: '/tmp/scratch/terminal-fail.png' });
await page.getByTestId('tab-enroll').click();
await page.getByTestId('enroll-name').fill('Alex Door');
await page.getByTestId('enroll-files').setInputFiles(readdirSync('/tmp/scratch/stills').map((f) => '/tmp/scratch/stills/' + f));
await page.getByTestId('enroll-consent').check();
await page.getByTestId('enroll-submit').click();
await page.waitForTimeout(300);
await page.screenshot({ path: '/tmp/scratch/enrol-progress.png' });
await page.getByTestId('enroll-result').waitFor();
await page.waitForTimeout(300);
await page.screenshot({ path: '/tmp/scratch/enrol-done.png' });
await page.getByTestId('tab-audit').click();
await page.waitForTimeout(500);
await page.screenshot({ path: '/tmp/scratch/audit.png' });
await browser.close();
await host.close();
