/**
 * Face detection recall and false faces of each way the station finds faces:
 *
 *   npx tsx bench/detector-recall.ts [--sets multi,noface,video,celeba]
 *
 * - multi: the 22 group photos of multi_face against the faces counted by eye
 *   (bench/data/multi-face-truth.json: 135 clear subjects, 5 optional background faces);
 * - noface: the 16 photos of no_face (every detection is a false face);
 * - video: the live webcam/phone recordings (spoof_ext/videos/<source>/live, video/, spoof/videos
 *   *_real), decoded as `station liveness` decodes them (ffmpeg, fitted into 640x480) at 2 fps
 *   for up to 10 s, plus the portrait clips turned a quarter as a phone clip whose rotation tag
 *   was lost arrives: frames with a face found (every frame of these clips shows one);
 * - celeba: photos of celeba_wild_subset with no face found (slow: about 1,170 photos).
 *
 * Detectors: fr_detect as configured today; fr_detect with 3x3 tiles; MTCNN alone; the
 * FaceFinder's 'precise' mode (enrolment, photo import, calibration) and 'fast' mode with its
 * second opinions (video frames).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openVideoFrames } from '../src/main/adapters/ffmpeg-video-frames';
import { decodeImageFile } from '../src/main/adapters/image-decoder';
import { OnnxFaceDetector } from '../src/main/adapters/onnx-face-detector';
import { OnnxMtcnn } from '../src/main/adapters/onnx-mtcnn';
import { defaultModelsDir } from '../src/main/core/models/model-verifier';
import { detectFaces } from '../src/main/core/vision/face-detection';
import { FaceFinder } from '../src/main/core/vision/face-finder';
import {
  DEFAULT_PIPELINE_CONFIG,
  UNCONFIRMED_MIN_SCORE,
} from '../src/main/core/vision/face-pipeline';
import { MtcnnDetector } from '../src/main/core/vision/mtcnn-detector';
import { turnImage } from '../src/main/core/vision/quarter-turn';
import type { FaceBox, RgbImage } from '../src/main/core/vision/vision.types';
import { sharedDataDir } from '../tests/support/shared-data';
import { load1, summarize } from './lib/bench-stats';
import { matchFaces, readMultiFaceTruth } from './lib/face-matching';

type Detect = (img: RgbImage) => Promise<FaceBox[]>;

async function detectors(): Promise<[string, Detect][]> {
  const dir = defaultModelsDir();
  const fr = await OnnxFaceDetector.create(dir);
  const mtcnn = new MtcnnDetector(await OnnxMtcnn.create(dir));
  const finder = new FaceFinder(fr, mtcnn, DEFAULT_PIPELINE_CONFIG.finder);
  const base = { ...DEFAULT_PIPELINE_CONFIG.finder.detect, minScore: UNCONFIRMED_MIN_SCORE };
  return [
    ['fr_detect (until now)', (img) => detectFaces(fr, img, base)],
    ['fr_detect, 3x3 tiles', (img) => detectFaces(fr, img, { ...base, tileGrid: 3 })],
    ['MTCNN', async (img) => (await mtcnn.detect(img)).map((f) => f.box)],
    ["finder 'precise'", async (img) => (await finder.find(img, 'precise')).map((f) => f.box)],
    ["finder 'fast'", async (img) => (await finder.find(img, 'fast')).map((f) => f.box)],
  ];
}

async function timedDetect(detect: Detect, img: RgbImage, times: number[]): Promise<FaceBox[]> {
  const t0 = performance.now();
  const boxes = await detect(img);
  times.push(performance.now() - t0);
  return boxes;
}

async function multiFace(list: [string, Detect][]): Promise<void> {
  const dir = join(sharedDataDir(), 'multi_face');
  const truth = readMultiFaceTruth();
  const files = Object.keys(truth);
  const required = files.reduce((n, f) => n + truth[f]!.faces.length, 0);
  const optional = files.reduce((n, f) => n + truth[f]!.optional.length, 0);
  console.log(
    `#### multi_face: ${required} faces + ${optional} optional, ${files.length} photos\n`,
  );
  console.log('| detector | faces found | optional found | false faces | ms per photo (median) |');
  console.log('|---|---|---|---|---|');
  const images = await Promise.all(files.map((f) => decodeImageFile(join(dir, f))));
  for (const [name, detect] of list) {
    const times: number[] = [];
    let [found, opt, bad] = [0, 0, 0];
    for (const [i, f] of files.entries()) {
      const m = matchFaces(await timedDetect(detect, images[i]!, times), truth[f]!);
      [found, opt, bad] = [found + m.found, opt + m.optionalFound, bad + m.falseFaces];
    }
    console.log(
      `| ${name} | ${found} / ${required} | ${opt} / ${optional} | ${bad} | ${summarize(times).p50.toFixed(0)} |`,
    );
  }
}

async function noFace(list: [string, Detect][]): Promise<void> {
  const dir = join(sharedDataDir(), 'no_face');
  const files = readdirSync(dir).sort();
  console.log(`\n#### no_face: ${files.length} photos without a human face\n`);
  console.log('| detector | false faces | in |\n|---|---|---|');
  for (const [name, detect] of list) {
    const hits: string[] = [];
    for (const f of files) {
      const n = (await detect(await decodeImageFile(join(dir, f)))).length;
      if (n > 0) hits.push(n > 1 ? `${f} (${n})` : f);
    }
    const total = hits.reduce((n, h) => n + Number(/\((\d+)\)$/.exec(h)?.[1] ?? 1), 0);
    console.log(`| ${name} | ${total} | ${hits.join(', ') || '-'} |`);
  }
}

function liveClips(): string[] {
  const root = sharedDataDir();
  const ext = join(root, 'spoof_ext', 'videos');
  const clips = readdirSync(ext).flatMap((src) => {
    const live = join(ext, src, 'live');
    try {
      return readdirSync(live).map((f) => join(live, f));
    } catch {
      return [];
    }
  });
  const video = readdirSync(join(root, 'video')).map((f) => join(root, 'video', f));
  const spoof = readdirSync(join(root, 'spoof', 'videos'))
    .filter((f) => f.includes('_real'))
    .map((f) => join(root, 'spoof', 'videos', f));
  return [...clips, ...video, ...spoof].filter((f) => !f.includes('hamilton'));
}

async function clipFrames(file: string): Promise<{ label: string; frames: RgbImage[] }[]> {
  const { info, frames } = await openVideoFrames(file, { maxFps: 2, maxSeconds: 10 });
  const upright: RgbImage[] = [];
  for await (const f of frames) upright.push(f);
  const name = file.split('/').slice(-3).join('/');
  const out = [{ label: `${name} (${info.width}x${info.height})`, frames: upright }];
  if (info.height > info.width)
    out.push({
      label: `${name}, turned a quarter`,
      frames: upright.map((f) => turnImage(f, 'ccw')),
    });
  return out;
}

async function videos(list: [string, Detect][]): Promise<void> {
  const clips = (await Promise.all(liveClips().map(clipFrames))).flat();
  console.log(`\n#### Live recordings: frames with a face found (2 fps, first 10 s)\n`);
  console.log(`| clip | frames | ${list.map(([n]) => n).join(' | ')} |`);
  console.log(`|---|---|${list.map(() => '---').join('|')}|`);
  const totals = list.map(() => 0);
  let frames = 0;
  for (const clip of clips) {
    const cells: string[] = [];
    for (const [k, [, detect]] of list.entries()) {
      let hit = 0;
      for (const f of clip.frames) if ((await detect(f)).length > 0) hit++;
      totals[k]! += hit;
      cells.push(String(hit));
    }
    frames += clip.frames.length;
    console.log(`| ${clip.label} | ${clip.frames.length} | ${cells.join(' | ')} |`);
  }
  console.log(`| **all** | ${frames} | ${totals.join(' | ')} |`);
}

async function celeba(list: [string, Detect][]): Promise<void> {
  const dir = join(sharedDataDir(), 'celeba_wild_subset', 'images');
  const files = readdirSync(dir).sort();
  console.log(`\n#### celeba_wild_subset: photos with no face found (${files.length} photos)\n`);
  console.log('| detector | photos with no face |\n|---|---|');
  for (const [name, detect] of list) {
    let none = 0;
    for (const f of files)
      if ((await detect(await decodeImageFile(join(dir, f)))).length === 0) none++;
    console.log(`| ${name} | ${none} |`);
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { sets: { type: 'string', default: 'multi,noface,video' } },
  });
  const sets = new Set(values.sets.split(','));
  const list = await detectors();
  console.log(`### Face detection recall (1-minute load average at start ${load1().toFixed(1)})\n`);
  if (sets.has('multi')) await multiFace(list);
  if (sets.has('noface')) await noFace(list);
  if (sets.has('video')) await videos(list);
  if (sets.has('celeba')) await celeba(list);
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
