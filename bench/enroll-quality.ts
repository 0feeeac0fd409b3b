/**
 * Calibrates the enrolment quality gates on real photos: measures every gate input on good
 * photos (LFW, CelebA, deepface) and on synthetically degraded copies of some of them (blurred,
 * darkened, over-exposed), then reports the distributions and each gate's pass rate at the
 * default limits.
 *
 *   npx tsx bench/enroll-quality.ts [--per-set 200] [--degraded 60] [--dump quality.json]
 *
 * Blur is a Gaussian whose sigma scales with the face (2.5 px of the 112 px aligned crop), so
 * "blurred" means the same thing for a 40 px and a 300 px face. Only the largest face of each
 * photo is judged (LFW photos may show bystanders at their edges).
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { decodeImageBuffer } from '../src/main/adapters/image-decoder';
import { defaultModelsDir } from '../src/main/core/models/model-verifier';
import { DEFAULT_QUALITY_LIMITS } from '../src/main/core/settings/quality-defaults';
import { judgeFaceQuality } from '../src/main/core/enrollment/quality-gates';
import { chooseEnrolmentFace } from '../src/main/core/enrollment/enroll-photo-check';
import type { FacePipeline } from '../src/main/core/vision/face-pipeline';
import { type FaceQuality, measureFaceQuality } from '../src/main/core/vision/face-quality';
import { sharedDataDir } from '../tests/support/shared-data';
import { loadFacePipeline } from '../src/main/composition/onnx-models';

type Variant = 'good' | 'blur' | 'dark' | 'bright';

interface Sample {
  set: string;
  file: string;
  variant: Variant;
  faces: number;
  quality: FaceQuality | null;
  verdict: string;
}

const { values } = parseArgs({
  options: {
    'per-set': { type: 'string', default: '200' },
    degraded: { type: 'string', default: '60' },
    dump: { type: 'string' },
  },
});
const perSet = Number(values['per-set']);
const degradedPerSet = Number(values.degraded);

function every<T>(items: T[], n: number): T[] {
  const step = Math.max(1, Math.floor(items.length / n));
  return items.filter((_, i) => i % step === 0).slice(0, n);
}

function listSets(root: string): Record<string, string[]> {
  const lfwRows = readFileSync(join(root, 'lfw_pairs_gray', 'pairs.csv'), 'utf8')
    .trim()
    .split(/\r?\n/)
    .slice(1);
  const lfw = [...new Set(lfwRows.flatMap((l) => l.split(',').slice(1, 3)))].map((f) =>
    join(root, 'lfw_pairs_gray', f),
  );
  const celeba = readFileSync(join(root, 'celeba_wild_subset', 'identities.csv'), 'utf8')
    .trim()
    .split(/\r?\n/)
    .slice(1)
    .map((l) => join(root, 'celeba_wild_subset', l.split(',')[0]!));
  const deepface = readdirSync(join(root, 'deepface_testset')).filter((f) =>
    /\.(jpe?g|png)$/i.test(f),
  );
  return {
    lfw: every(lfw, perSet),
    celeba: every(celeba, perSet),
    deepface: deepface.sort().map((f) => join(root, 'deepface_testset', f)),
  };
}

async function degrade(bytes: Buffer, variant: Variant, interEyePx: number): Promise<Buffer> {
  const img = sharp(bytes).rotate();
  switch (variant) {
    case 'good':
      return bytes;
    case 'blur': {
      // ArcFace's template puts the eyes ~35 px apart in the 112 px crop.
      const sigma = Math.max(0.5, (2.5 * interEyePx) / 35);
      return img.blur(sigma).jpeg({ quality: 92 }).toBuffer();
    }
    case 'dark':
      return img.linear(0.18, 0).jpeg({ quality: 92 }).toBuffer();
    case 'bright':
      return img.linear(2.2, 50).jpeg({ quality: 92 }).toBuffer();
  }
}

async function measure(
  pipeline: FacePipeline,
  set: string,
  file: string,
  bytes: Buffer,
  variant: Variant,
): Promise<Sample> {
  const img = await decodeImageBuffer(bytes, undefined, file);
  const faces = await pipeline.analyzeImage(img);
  const choice = chooseEnrolmentFace(faces);
  if (!choice.ok)
    return { set, file, variant, faces: faces.length, quality: null, verdict: choice.status };
  const quality = measureFaceQuality(img, choice.face);
  const v = judgeFaceQuality(quality, { minInterEyePx: 24, ...DEFAULT_QUALITY_LIMITS });
  return { set, file, variant, faces: faces.length, quality, verdict: v.ok ? 'pass' : v.status };
}

function pct(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? NaN;
}

function summarise(samples: Sample[]): void {
  const keys: (keyof FaceQuality)[] = [
    'interEyePx',
    'yawDeg',
    'pitchDeg',
    'sharpness',
    'brightness',
    'darkFraction',
    'brightFraction',
    'eyeAspect',
  ];
  const groups = new Map<string, Sample[]>();
  for (const s of samples) {
    const k = `${s.set}/${s.variant}`;
    groups.set(k, [...(groups.get(k) ?? []), s]);
  }
  console.log('\n| set/variant | n | ' + keys.join(' | ') + ' |');
  console.log('|---|---|' + keys.map(() => '---').join('|') + '|');
  for (const [k, g] of groups) {
    const q = g.flatMap((s) => (s.quality ? [s.quality] : []));
    const cells = keys.map((key) => {
      const v = q.map((x) => x[key]);
      return `${pct(v, 0.05).toFixed(2)} / ${pct(v, 0.5).toFixed(2)} / ${pct(v, 0.95).toFixed(2)}`;
    });
    console.log(`| ${k} | ${g.length} | ${cells.join(' | ')} |`);
  }
  console.log('\n(cells: 5th / 50th / 95th percentile)\n\n| set/variant | n | verdicts |');
  console.log('|---|---|---|');
  for (const [k, g] of groups) {
    const counts = new Map<string, number>();
    for (const s of g) counts.set(s.verdict, (counts.get(s.verdict) ?? 0) + 1);
    const text = [...counts]
      .sort((a, b) => b[1] - a[1])
      .map(([v, n]) => `${v} ${n} (${((100 * n) / g.length).toFixed(1)} %)`)
      .join(', ');
    console.log(`| ${k} | ${g.length} | ${text} |`);
  }
}

async function main(): Promise<void> {
  const pipeline = await loadFacePipeline(defaultModelsDir());
  const sets = listSets(sharedDataDir());
  const samples: Sample[] = [];
  for (const [set, files] of Object.entries(sets)) {
    const degradeEvery = Math.max(1, Math.floor(files.length / degradedPerSet));
    for (const [i, file] of files.entries()) {
      const bytes = readFileSync(file);
      const good = await measure(pipeline, set, file, bytes, 'good');
      samples.push(good);
      if (i % degradeEvery !== 0 || !good.quality || good.verdict !== 'pass') continue;
      for (const variant of ['blur', 'dark', 'bright'] as const) {
        const worse = await degrade(bytes, variant, good.quality.interEyePx);
        samples.push(await measure(pipeline, set, file, worse, variant));
      }
    }
    process.stderr.write(`${set}: ${files.length} photos done\n`);
  }
  summarise(samples);
  if (values.dump) writeFileSync(values.dump, JSON.stringify(samples, null, 1));
}

void main();
