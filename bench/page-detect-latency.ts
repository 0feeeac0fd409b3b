/**
 * Renderer-side face detection latency: MediaPipe tasks-vision FaceDetector (CPU delegate,
 * VIDEO running mode, BlazeFace short range with our TFLite metadata, minDetectionConfidence
 * 0.5: the settings of src/renderer/src/lib/face-detector.ts) in Debian's Chromium, headless,
 * no GPU, served from loopback only.
 *
 *   npx tsx bench/page-detect-latency.ts [--frames 100] [--warmup 10]
 *
 * Two inputs, both 640x480 frames of liveportrait_d13 (letterboxed like a VGA webcam):
 * - camera: Chromium's fake camera plays the clip (.y4m, 15 fps); detectForVideo(video) on
 *   each requestVideoFrameCallback, exactly what the door loop does per frame;
 * - stills: the same frames as PNG, decoded to ImageBitmaps beforehand, so the time is the
 *   detector alone (no video frame grab).
 * Times are performance.now() around the detectForVideo call inside the page.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  defaultModelsDir,
  loadVerifiedModel,
  projectRoot,
} from '../src/main/core/models/model-verifier';
import { launchChromium, recordRequests } from '../tests/support/chromium-launcher';
import { startStaticServer } from '../tests/support/static-server';
import { makeTempDir } from '../tests/support/temp-dir';
import { clipToY4m } from '../tests/support/video-clips';
import { benchClip, extractVgaFrames } from './lib/bench-frames';
import { ms, summarize } from './lib/bench-stats';

/** Seconds into the clip where the face is steady (the e2e door stream uses 6-10 s). */
const CLIP_START = 2;
const FPS = 15;

interface Series {
  times: number[];
  faces: number[];
}
interface PageReport {
  startupMs: number;
  firstCallMs: number;
  videoSize: [number, number];
  camera: Series;
  stills: Series;
}
type RunBench = (opts: { frames: number; warmup: number; stills: string[] }) => Promise<PageReport>;

// Runs in Chromium. One detector for both series; VIDEO mode needs increasing timestamps.
const PAGE = `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,">
<video id="v" muted playsinline></video>
<script type="module">
import { FilesetResolver, FaceDetector } from '/tasks-vision/vision_bundle.mjs';
let last = 0;
const stamp = () => (last = Math.max(performance.now(), last + 1));
const timeDetect = (detector, input, out) => {
  const t0 = performance.now();
  const r = detector.detectForVideo(input, stamp());
  out.times.push(performance.now() - t0);
  out.faces.push(r.detections.length);
};
async function cameraSeries(detector, video, total) {
  const out = { times: [], faces: [] };
  await new Promise((resolve, reject) => {
    const guard = setTimeout(() => reject(new Error('camera gave ' + out.times.length + ' frames in 60 s')), 60000);
    const tick = () => {
      timeDetect(detector, video, out);
      if (out.times.length >= total) { clearTimeout(guard); resolve(); } else video.requestVideoFrameCallback(tick);
    };
    video.requestVideoFrameCallback(tick);
  });
  return out;
}
window.runBench = async ({ frames, warmup, stills }) => {
  const t0 = performance.now();
  const fileset = await FilesetResolver.forVisionTasks('/tasks-vision/wasm');
  const modelAssetBuffer = new Uint8Array(await (await fetch('/models/short.tflite')).arrayBuffer());
  const detector = await FaceDetector.createFromOptions(fileset, {
    baseOptions: { modelAssetBuffer, delegate: 'CPU' }, runningMode: 'VIDEO', minDetectionConfidence: 0.5,
  });
  const startupMs = performance.now() - t0;
  const video = document.getElementById('v');
  video.srcObject = await navigator.mediaDevices.getUserMedia({ audio: false, video: { width: { ideal: 640 }, height: { ideal: 480 } } });
  await video.play();
  const t1 = performance.now();
  detector.detectForVideo(video, stamp());
  const firstCallMs = performance.now() - t1;
  const camera = await cameraSeries(detector, video, warmup + frames);
  const bitmaps = [];
  for (const url of stills) bitmaps.push(await createImageBitmap(await (await fetch(url)).blob()));
  const still = { times: [], faces: [] };
  for (const b of bitmaps) timeDetect(detector, b, still);
  video.srcObject.getTracks().forEach((t) => t.stop());
  detector.close();
  const cut = (s) => ({ times: s.times.slice(warmup), faces: s.faces.slice(warmup) });
  return { startupMs, firstCallMs, videoSize: [video.videoWidth, video.videoHeight], camera: cut(camera), stills: cut(still) };
};
window.pageReady = true;
</script>`;

function row(label: string, s: Series): string {
  const t = summarize(s.times);
  const withFace = s.faces.filter((n) => n > 0).length;
  return `| ${label} | ${t.n} | ${ms(t.p50)} | ${ms(t.p95)} | ${ms(t.mean)} | ${ms(t.max)} | ${withFace}/${s.faces.length} |`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      frames: { type: 'string', default: '100' },
      warmup: { type: 'string', default: '10' },
    },
  });
  const frames = Number(values.frames);
  const warmup = Number(values.warmup);
  const total = frames + warmup;
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ')[0] ?? '?';
  const tmp = makeTempDir('station-bench-page-');
  const server = await startStaticServer({
    mounts: {
      '/tasks-vision/': join(projectRoot(), 'node_modules', '@mediapipe', 'tasks-vision'),
      '/frames/': tmp.dir,
    },
    files: {
      '/': { body: PAGE, contentType: 'text/html; charset=utf-8' },
      '/models/short.tflite': {
        body: loadVerifiedModel(defaultModelsDir(), 'face_detection_short_range.meta.tflite'),
      },
    },
  });
  try {
    // The camera file loops; make it long enough that warm-up + measured frames are all distinct.
    const camera = clipToY4m(
      benchClip(),
      join(tmp.dir, 'camera.y4m'),
      { start: CLIP_START, duration: Math.ceil(total / FPS) + 1 },
      FPS,
    );
    const stills = extractVgaFrames(benchClip(), tmp.dir, CLIP_START, total, FPS).map(
      (f) => `/frames/${f.slice(tmp.dir.length + 1)}`,
    );
    const browser = await launchChromium({
      extraArgs: [
        '--use-fake-ui-for-media-stream',
        '--use-fake-device-for-media-stream',
        `--use-file-for-fake-video-capture=${camera}`,
      ],
    });
    try {
      const page = await browser.newPage();
      const requests = await recordRequests(page, { blockNonLocal: true });
      await page.goto(server.url('/'));
      await page.waitForFunction(
        () => (globalThis as unknown as { pageReady?: boolean }).pageReady === true,
      );
      const report = await page.evaluate(
        (opts) => (globalThis as unknown as { runBench: RunBench }).runBench(opts),
        { frames, warmup, stills },
      );
      const chromium = browser.version();
      print(report, chromium, requests.nonLocal().length, load);
    } finally {
      await browser.close();
    }
  } finally {
    await server.close();
    tmp.cleanup();
  }
}

function print(r: PageReport, chromium: string, nonLocal: number, load: string): void {
  console.log(
    `### MediaPipe FaceDetector in the page (tasks-vision 0.10.34, CPU delegate, VIDEO mode, short range)\n`,
  );
  console.log(
    `Chromium ${chromium} headless, --disable-gpu; camera ${r.videoSize.join('x')}; 1-min load average at start: ${load}\n`,
  );
  console.log(
    `detector start-up (wasm fileset + createFromOptions): ${ms(r.startupMs)} ms; first detectForVideo call: ${ms(r.firstCallMs)} ms\n`,
  );
  console.log('| input | frames | p50 ms | p95 ms | mean ms | max ms | frames with a face |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  console.log(row('fake camera, detectForVideo(video)', r.camera));
  console.log(row('same frames as ImageBitmap', r.stills));
  console.log(`\nrequests that would have left the machine: ${nonLocal}`);
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
