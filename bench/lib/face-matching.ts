/** Scores detections against faces counted by eye (bench/data/multi-face-truth.json). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../src/main/core/models/model-verifier';
import type { FaceBox } from '../../src/main/core/vision/vision.types';

type Box = [number, number, number, number];

export interface ImageTruth {
  /** Clear subjects: a detector must find them. */
  faces: Box[];
  /** Background, blurred or half-visible faces: neither required nor false. */
  optional: Box[];
}

export function readMultiFaceTruth(): Record<string, ImageTruth> {
  const file = join(projectRoot(), 'bench', 'data', 'multi-face-truth.json');
  return (JSON.parse(readFileSync(file, 'utf8')) as { images: Record<string, ImageTruth> }).images;
}

const centre = (b: Box): [number, number] => [(b[0] + b[2]) / 2, (b[1] + b[3]) / 2];
const contains = (b: Box, p: [number, number]): boolean =>
  p[0] > b[0] && p[0] < b[2] && p[1] > b[1] && p[1] < b[3];

/**
 * Same face when each box holds the other's centre: robust to the detectors' different box
 * shapes (fr_detect's tall boxes, MTCNN's squares, hand-drawn ones).
 */
function matches(d: Box, t: Box): boolean {
  return contains(t, centre(d)) && contains(d, centre(t));
}

export interface MatchCount {
  found: number;
  optionalFound: number;
  /** Detections matching no face, and second detections of an already matched face. */
  falseFaces: number;
}

export function matchFaces(detections: readonly FaceBox[], truth: ImageTruth): MatchCount {
  const dets: Box[] = [...detections]
    .sort((a, b) => b.score - a.score)
    .map((b) => [b.x1, b.y1, b.x2, b.y2]);
  const usedFaces = new Set<number>();
  const usedOptional = new Set<number>();
  let falseFaces = 0;
  for (const d of dets) {
    const f = truth.faces.findIndex((t, i) => !usedFaces.has(i) && matches(d, t));
    if (f >= 0) {
      usedFaces.add(f);
      continue;
    }
    const o = truth.optional.findIndex((t, i) => !usedOptional.has(i) && matches(d, t));
    if (o >= 0) usedOptional.add(o);
    else falseFaces++;
  }
  return { found: usedFaces.size, optionalFound: usedOptional.size, falseFaces };
}
