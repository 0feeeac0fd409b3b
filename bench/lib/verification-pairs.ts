/** The LFW / CelebA pair lists and the face-choice rule the verification benches share. */
import { readFileSync } from 'node:fs';
import type { FaceBox, RgbImage } from '../../src/main/core/vision/vision.types';

export type Dataset = 'lfw' | 'celeba';
export const DATASET_FOLDERS: Record<Dataset, string> = {
  lfw: 'lfw_pairs_gray',
  celeba: 'celeba_wild_subset',
};

export function isDataset(x: unknown): x is Dataset {
  return x === 'lfw' || x === 'celeba';
}

export interface Pair {
  fold: number;
  a: string;
  b: string;
  same: boolean;
}

/** pairs.csv of a dataset folder; `limit` takes every k-th pair so all folds stay represented. */
export function readPairs(csvPath: string, limit: number): Pair[] {
  const rows = readFileSync(csvPath, 'utf8').trim().split(/\r?\n/).slice(1);
  const all = rows.map((l) => {
    const [fold, a, b, same] = l.split(',');
    return { fold: Number(fold), a: a!, b: b!, same: same === '1' };
  });
  const step = Math.max(1, Math.floor(all.length / limit));
  return all.filter((_, i) => i % step === 0).slice(0, limit);
}

/**
 * LFW photos are centred on their subject, so the face nearest the centre; CelebA photos may
 * show bystanders, so the largest face.
 */
export function pickFace<T extends { box: FaceBox }>(
  faces: readonly T[],
  img: RgbImage,
  dataset: Dataset,
): T | undefined {
  const dist = (b: FaceBox): number =>
    Math.hypot((b.x1 + b.x2 - img.width) / 2, (b.y1 + b.y2 - img.height) / 2);
  const height = (b: FaceBox): number => b.y2 - b.y1;
  return [...faces].sort((p, q) =>
    dataset === 'lfw' ? dist(p.box) - dist(q.box) : height(q.box) - height(p.box),
  )[0];
}

/** Benchmark-only fallback: the box fr_detect typically returns on a 250x250 LFW image. */
export function centralBox(img: RgbImage): FaceBox {
  const side = 0.45 * Math.min(img.width, img.height);
  const cx = img.width / 2;
  const cy = img.height / 2;
  return {
    x1: cx - 0.36 * side,
    y1: cy - side / 2,
    x2: cx + 0.36 * side,
    y2: cy + side / 2,
    score: 0,
  };
}
