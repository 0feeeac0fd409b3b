/**
 * Where the door's time goes (bench/door-latency.ts --trace): timing wrapped around the main
 * process's per-frame stages (by patching prototypes in this bench process only, no product
 * code changes), and a page probe that records camera frame delivery, the frame requests and
 * long tasks of the page's main thread, and the terminal loop's own User Timing measures
 * (door:detect, door:capture, door:submit in src/renderer/src/lib/door-loop.ts).
 * DOOR_TRACE_FRAMES=1 also prints one line per frame main decided (time, phase, liveness).
 */
import { OnnxEmbedder } from '../../src/main/adapters/onnx-embedder';
import { OnnxLandmarker } from '../../src/main/adapters/onnx-landmarker';
import { OnnxTextureLiveness } from '../../src/main/adapters/onnx-texture-liveness';
import { DoorFrameService } from '../../src/main/core/access/door-frame.service';
import { LivenessTracker } from '../../src/main/core/liveness/liveness-tracker';
import { ms, summarize } from './bench-stats';

type Stage = 'process' | 'landmarks' | 'embedding' | 'texture' | 'liveness';
const STAGES: readonly Stage[] = ['process', 'landmarks', 'embedding', 'texture', 'liveness'];

const samples = new Map<Stage, number[]>(STAGES.map((s) => [s, []]));
/** Per frame: how many times each network ran (landmarks run twice with refinement). */
const perFrame: { process: number; counts: Record<Stage, number> }[] = [];
let current: Record<Stage, number> | null = null;

function wrap<T extends object>(proto: T, method: keyof T & string, stage: Stage): void {
  const original = proto[method] as unknown as (...args: unknown[]) => Promise<unknown>;
  (proto as Record<string, unknown>)[method] = async function (
    this: unknown,
    ...args: unknown[]
  ): Promise<unknown> {
    const t0 = performance.now();
    try {
      return await original.apply(this, args);
    } finally {
      samples.get(stage)?.push(performance.now() - t0);
      if (current) current[stage]++;
    }
  };
}

/** Installs the main-process timers (call once, before the station is opened). */
export function installMainTrace(): void {
  wrap(OnnxLandmarker.prototype, 'predict', 'landmarks');
  wrap(OnnxEmbedder.prototype, 'embed', 'embedding');
  wrap(OnnxTextureLiveness.prototype, 'logits', 'texture');
  wrap(LivenessTracker.prototype, 'push', 'liveness');
  // Called with the service as `this` below, as the prototype method always is.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const process = DoorFrameService.prototype.process;
  DoorFrameService.prototype.process = async function (this: DoorFrameService, req) {
    const counts = { process: 0, landmarks: 0, embedding: 0, texture: 0, liveness: 0 };
    current = counts;
    const t0 = performance.now();
    try {
      const out = await process.call(this, req);
      if (globalThis.process.env.DOOR_TRACE_FRAMES)
        console.log(
          `[frame] ${req.frameId} t=${req.capturedAtMs?.toFixed(0)} faces=${req.faces.length} ` +
            `${out.phase}/${out.decision ?? '-'} per-face=${out.faces.map((f) => f.decision).join(',')} ` +
            `live=${JSON.stringify(out.liveness)} ${(performance.now() - t0).toFixed(0)}ms`,
        );
      return out;
    } finally {
      const dt = performance.now() - t0;
      samples.get('process')?.push(dt);
      perFrame.push({ process: dt, counts });
      current = null;
    }
  };
}

/** Page probe: camera frame intervals, frame-request timing, main-thread long tasks. */
export const PAGE_TRACE_PROBE = `
  window.__trace = { frames: [], requests: [], longTasks: [], measures: [] };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries())
      if (e.name.startsWith('door:')) window.__trace.measures.push([e.name, e.duration]);
  }).observe({ type: 'measure', buffered: true });
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if (e.name.includes('/api/access:frame'))
        window.__trace.requests.push({ start: e.startTime, duration: e.duration,
          wait: e.responseStart - e.requestStart });
    }
  }).observe({ type: 'resource', buffered: true });
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__trace.longTasks.push(e.duration);
    }).observe({ type: 'longtask', buffered: true });
  } catch {}
  const watch = (v) => {
    if (v.__traced) return;
    v.__traced = true;
    const cb = (now, meta) => { window.__trace.frames.push(now); v.requestVideoFrameCallback(cb); };
    v.requestVideoFrameCallback(cb);
  };
  new MutationObserver(() => document.querySelectorAll('video').forEach(watch))
    .observe(document, { subtree: true, childList: true });
`;

export interface PageTrace {
  frames: number[];
  requests: { start: number; duration: number; wait: number }[];
  longTasks: number[];
  /** User Timing measures of the terminal loop (door-loop.ts): [name, duration]. */
  measures?: [string, number][];
}

const pageIntervals: number[] = [];
const pageRequests: number[] = [];
const pageWaits: number[] = [];
const pageLongTasks: number[] = [];
const pageMeasures = new Map<string, number[]>();

export function addPageTrace(t: PageTrace): void {
  for (let i = 1; i < t.frames.length; i++) pageIntervals.push(t.frames[i]! - t.frames[i - 1]!);
  for (const r of t.requests) {
    pageRequests.push(r.duration);
    if (r.wait > 0) pageWaits.push(r.wait);
  }
  pageLongTasks.push(...t.longTasks);
  for (const [name, d] of t.measures ?? []) {
    const xs = pageMeasures.get(name) ?? [];
    xs.push(d);
    pageMeasures.set(name, xs);
  }
}

function row(name: string, xs: readonly number[]): string {
  const s = summarize(xs);
  return `| ${name} | ${s.n} | ${ms(s.p50)} | ${ms(s.p95)} | ${ms(s.max)} |`;
}

export function printTrace(): void {
  console.log('\n### Where the time goes (--trace)\n');
  console.log('| stage | n | p50 ms | p95 ms | max ms |');
  console.log('|---|---:|---:|---:|---:|');
  console.log(row('page: camera frame interval (rVFC)', pageIntervals));
  console.log(row('page: access:frame request (fetch)', pageRequests));
  console.log(row('page: request sent -> first answer byte', pageWaits));
  console.log(row('page: long tasks (>50 ms)', pageLongTasks));
  for (const [name, xs] of pageMeasures) console.log(row(`page: ${name}`, xs));
  for (const s of STAGES) console.log(row(`main: ${s}`, samples.get(s) ?? []));
  const with3 = perFrame.filter((f) => f.counts.texture > 0).length;
  console.log(
    `\nFrames processed in main: ${perFrame.length}; with the texture network: ${with3}; ` +
      `embeddings: ${perFrame.reduce((a, f) => a + f.counts.embedding, 0)}.`,
  );
}
