/**
 * Measures every frame of the developers' PAD data once (face, texture-network logits and all
 * PAD feature groups) and keeps the result in .cache/pad (gitignored; it holds numbers derived
 * from research-only data, never pixels). Training and the leave-one-source-out benchmark read
 * this cache, so trying another classifier takes seconds instead of a detection pass.
 * The cache key is the feature code's version: change FEATURE_VERSION when a measurement changes.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { faceSquare, type FaceSquare } from '../../src/main/core/liveness/face-square';
import type { LivenessFace } from '../../src/main/core/liveness/face-square';
import type { TextureLivenessModel } from '../../src/main/core/liveness/texture-model';
import type { RgbImage } from '../../src/main/core/vision/vision.types';
import {
  GROUP_SIZES,
  measurePadFeatures,
  PAD_FEATURE_GROUPS,
  type PadFeatureGroup,
} from '../../src/main/core/liveness/pad-features';
import { findStillFace } from '../../src/main/core/liveness/still-face';
import { textureCrop } from '../../src/main/core/liveness/texture-crop';
import type { PadPresentation } from './pad-dataset';
import { presentationFrames } from './pad-frames';

export const FEATURE_VERSION = 1;

export interface CachedSample {
  file: string;
  frame: number;
  label: 'live' | 'attack';
  species: string;
  source: string;
  split?: 'train' | 'devel';
  width: number;
  height: number;
  square: FaceSquare;
  padded: boolean;
  hasContext: boolean;
  logits: number[];
}

export interface PadCache {
  version: number;
  samples: CachedSample[];
  /** Per sample, every group of PAD_FEATURE_GROUPS concatenated (NaN where absent). */
  features: Float64Array[];
  /** Frames without a face, and presentations that could not be read. */
  noFace: string[];
  unreadable: string[];
}

export const ROW_SIZE = PAD_FEATURE_GROUPS.reduce((n, g) => n + GROUP_SIZES[g], 0);

/** Offset of each group inside a cached row. */
export const GROUP_OFFSET: Record<PadFeatureGroup, number> = (() => {
  let at = 0;
  const out = {} as Record<PadFeatureGroup, number>;
  for (const g of PAD_FEATURE_GROUPS) {
    out[g] = at;
    at += GROUP_SIZES[g];
  }
  return out;
})();

function cacheDir(root: string): string {
  return join(root, '.cache', 'pad');
}

export function loadPadCache(root: string): PadCache | null {
  const dir = cacheDir(root);
  const metaPath = join(dir, 'samples.json');
  if (!existsSync(metaPath)) return null;
  const meta = JSON.parse(readFileSync(metaPath, 'utf8')) as Omit<PadCache, 'features'>;
  if (meta.version !== FEATURE_VERSION) return null;
  const buf = readFileSync(join(dir, 'features.f64'));
  const all = new Float64Array(buf.buffer, buf.byteOffset, buf.byteLength / 8);
  const features = meta.samples.map((_, i) => all.slice(i * ROW_SIZE, (i + 1) * ROW_SIZE));
  return { ...meta, features };
}

function savePadCache(root: string, cache: PadCache): void {
  const dir = cacheDir(root);
  mkdirSync(dir, { recursive: true });
  const { features, ...meta } = cache;
  writeFileSync(join(dir, 'samples.json'), JSON.stringify(meta));
  const all = new Float64Array(features.length * ROW_SIZE);
  features.forEach((row, i) => all.set(row, i * ROW_SIZE));
  writeFileSync(join(dir, 'features.f64'), Buffer.from(all.buffer));
}

function rowOf(groups: Partial<Record<PadFeatureGroup, Float64Array>>): Float64Array {
  const row = new Float64Array(ROW_SIZE).fill(Number.NaN);
  for (const g of PAD_FEATURE_GROUPS) {
    const v = groups[g];
    if (v) row.set(v, GROUP_OFFSET[g]);
  }
  return row;
}

/** What measuring needs: the station's face finder and its texture network. */
export interface PadMeasuringModels {
  largestFace(frame: RgbImage): Promise<LivenessFace | null>;
  texture: TextureLivenessModel;
}

/** Measures every presentation (minutes: one detection pass over ~3,400 frames). */
export async function buildPadCache(
  root: string,
  dataDir: string,
  presentations: readonly PadPresentation[],
  models: PadMeasuringModels,
  log: (line: string) => void,
): Promise<PadCache> {
  const cache: PadCache = {
    version: FEATURE_VERSION,
    samples: [],
    features: [],
    noFace: [],
    unreadable: [],
  };
  let done = 0;
  for (const p of presentations) {
    try {
      for await (const { image, index } of presentationFrames(dataDir, p)) {
        const found = await findStillFace(image, (f) => models.largestFace(f));
        if (!found) {
          cache.noFace.push(`${p.file}#${index}`);
          continue;
        }
        const square = faceSquare(found.face);
        const logits = Array.from(await models.texture.logits(textureCrop(image, square)));
        const m = measurePadFeatures(image, square, PAD_FEATURE_GROUPS, logits);
        cache.samples.push({
          file: p.file,
          frame: index,
          label: p.label,
          species: p.species,
          source: p.source,
          ...(p.split ? { split: p.split } : {}),
          width: image.width,
          height: image.height,
          square,
          padded: found.padded,
          hasContext: m.hasContext,
          logits,
        });
        cache.features.push(rowOf(m.groups));
      }
    } catch (err) {
      cache.unreadable.push(`${p.file}: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (++done % 250 === 0) log(`${done}/${presentations.length} presentations measured`);
  }
  savePadCache(root, cache);
  return cache;
}

/**
 * Re-measures the feature groups of an existing cache from its stored face squares and texture
 * logits (no detection, no network): seconds per thousand frames, for a changed measurement.
 */
export async function remeasurePadCache(
  root: string,
  dataDir: string,
  presentations: readonly PadPresentation[],
  old: PadCache,
  log: (line: string) => void,
): Promise<PadCache> {
  const byKey = new Map(old.samples.map((s, i) => [`${s.file}#${s.frame}`, i]));
  const features = old.features.map((r) => r);
  let done = 0;
  for (const p of presentations) {
    if (!old.samples.some((s) => s.file === p.file)) continue;
    for await (const { image, index } of presentationFrames(dataDir, p)) {
      const i = byKey.get(`${p.file}#${index}`);
      if (i === undefined) continue;
      const s = old.samples[i]!;
      const m = measurePadFeatures(image, s.square, PAD_FEATURE_GROUPS, s.logits);
      s.hasContext = m.hasContext;
      features[i] = rowOf(m.groups);
    }
    if (++done % 500 === 0) log(`${done} presentations re-measured`);
  }
  const cache = { ...old, version: FEATURE_VERSION, features };
  savePadCache(root, cache);
  return cache;
}
