/**
 * MTCNN face detection (Zhang et al. 2016): an image pyramid through P-Net proposes windows,
 * R-Net on 24 x 24 crops rejects most, O-Net on 48 x 48 crops gives the final box and five
 * landmarks. Slower than the single-shot fr_detect (tens of ms per photo) but it finds small
 * and tilted faces and yields landmarks trained for alignment, so the station uses it where
 * precision beats speed (docs/BENCHMARKS.md).
 */
import {
  type Candidate,
  applyRegression,
  pnetCandidates,
  pyramidScales,
  squared,
  suppress,
} from './mtcnn-boxes';
import { createRgbImage, rectToSizeMatrix, resizeBilinear, warpAffine } from './image-ops';
import type { MtcnnNetworks } from './vision-models';
import type { FaceBox, FivePoints, Point, RgbImage } from './vision.types';

export interface MtcnnOptions {
  /** Smallest face side searched for, in pixels of the (possibly shrunk) working image. */
  minFace: number;
  /** Probability thresholds of P-Net, R-Net, O-Net. */
  thresholds: readonly [number, number, number];
  /** Ratio between pyramid levels. */
  factor: number;
  /** A larger image is shrunk to this longest side first: bounds time and memory (40 MP photos). */
  maxSide: number;
  /** At most this many P-Net proposals go on to R-Net (highest scores first). */
  maxProposals: number;
}

/**
 * The published MTCNN settings (thresholds 0.6 / 0.7 / 0.7, factor 0.709) with a 20 px minimum
 * face; 1600 px keeps a 40 MP photo's face well above that minimum.
 */
export const DEFAULT_MTCNN_OPTIONS: MtcnnOptions = {
  minFace: 20,
  thresholds: [0.6, 0.7, 0.7],
  factor: 0.709,
  maxSide: 1600,
  maxProposals: 1000,
};

export interface MtcnnFace {
  /** Face box in source pixels (edges), with O-Net's probability as score. */
  box: FaceBox;
  /** Eye centres, nose tip, mouth corners in ArcFace order, source pixel-centre coordinates. */
  five: FivePoints;
}

const RNET_SIZE = 24;
const ONET_SIZE = 48;

export class MtcnnDetector {
  constructor(
    private readonly nets: MtcnnNetworks,
    readonly options: MtcnnOptions = DEFAULT_MTCNN_OPTIONS,
  ) {}

  /** Every face, highest score first; [] for an image too small to hold one. */
  async detect(img: RgbImage, overrides: Partial<MtcnnOptions> = {}): Promise<MtcnnFace[]> {
    const opts = { ...this.options, ...overrides };
    const shrink = Math.min(1, opts.maxSide / Math.max(img.width, img.height, 1));
    const work =
      shrink < 1
        ? resizeBilinear(
            img,
            Math.max(1, Math.round(img.width * shrink)),
            Math.max(1, Math.round(img.height * shrink)),
          )
        : img;
    let boxes = await this.propose(work, opts);
    if (boxes.length === 0) return [];
    boxes = await this.refine(work, boxes, opts.thresholds[1]);
    if (boxes.length === 0) return [];
    const faces = await this.finish(work, boxes, opts.thresholds[2]);
    const kx = img.width / work.width;
    const ky = img.height / work.height;
    return faces.map((f) => toSource(f, kx, ky));
  }

  /**
   * O-Net's opinion of boxes another detector found (source pixels): per box, the face it
   * confirms (regressed box, five points) or null when its probability is below `threshold`.
   */
  async confirm(
    img: RgbImage,
    boxes: readonly FaceBox[],
    threshold = this.options.thresholds[2],
  ): Promise<(MtcnnFace | null)[]> {
    if (boxes.length === 0) return [];
    const candidates = boxes.map((b) => squared({ ...b, reg: [0, 0, 0, 0] }));
    const out = await this.nets.output(candidates.map((b) => crop(img, b, ONET_SIZE)));
    return candidates.map((b, i) => {
      if (!(out.prob[i]! >= threshold)) return null;
      const five = landmarksIn(b, out.landmarks, i);
      const moved = applyRegression({ ...b, reg: regAt(out.reg, i) });
      return toSource({ ...moved, score: out.prob[i]!, five }, 1, 1);
    });
  }

  /** P-Net over the pyramid: squared, regressed proposals in working-image edges. */
  private async propose(work: RgbImage, opts: MtcnnOptions): Promise<Candidate[]> {
    const scales = pyramidScales(work.width, work.height, opts.minFace, opts.factor);
    const all: Candidate[] = [];
    let prev = work;
    for (const s of scales) {
      const w = Math.ceil(work.width * s);
      const h = Math.ceil(work.height * s);
      // Each level from the previous one: a 0.709 step needs 2 x 2 samples, not a whole-image
      // filter per level.
      const m = rectToSizeMatrix({ x: 0, y: 0, width: prev.width, height: prev.height }, w, h);
      const level = warpAffine(prev, m, w, h, {
        maxSupersample: Math.ceil(prev.width / w) + 1,
      });
      const map = await this.nets.proposals(level);
      const found = pnetCandidates(map, w / work.width, h / work.height, opts.thresholds[0]);
      all.push(...suppress(found, 0.5, 'union'));
      prev = level;
    }
    return suppress(all, 0.7, 'union')
      .slice(0, opts.maxProposals)
      .map((c) => squared(applyRegression(c)));
  }

  private async refine(work: RgbImage, boxes: Candidate[], threshold: number) {
    const { prob, reg } = await this.nets.refine(boxes.map((b) => crop(work, b, RNET_SIZE)));
    const kept: Candidate[] = [];
    boxes.forEach((b, i) => {
      if (prob[i]! > threshold) kept.push({ ...b, score: prob[i]!, reg: regAt(reg, i) });
    });
    return suppress(kept, 0.7, 'union').map((c) => squared(applyRegression(c)));
  }

  private async finish(work: RgbImage, boxes: Candidate[], threshold: number) {
    const out = await this.nets.output(boxes.map((b) => crop(work, b, ONET_SIZE)));
    const faces: (Candidate & { five: FivePoints })[] = [];
    boxes.forEach((b, i) => {
      if (!(out.prob[i]! > threshold)) return;
      // Landmarks are fractions of the box O-Net saw, before its own regression moves it.
      const five = landmarksIn(b, out.landmarks, i);
      faces.push({
        ...applyRegression({ ...b, reg: regAt(out.reg, i) }),
        score: out.prob[i]!,
        five,
      });
    });
    return suppress(faces, 0.7, 'min');
  }
}

function crop(img: RgbImage, b: FaceBox, size: number): RgbImage {
  const rect = { x: b.x1, y: b.y1, width: b.x2 - b.x1, height: b.y2 - b.y1 };
  // Outside the photo is black, as in the reference code's zero padding.
  return warpAffine(img, rectToSizeMatrix(rect, size, size), size, size, {
    out: createRgbImage(size, size),
    fill: 0,
    maxSupersample: 4,
  });
}

function regAt(reg: Float32Array, i: number): Candidate['reg'] {
  return [reg[4 * i]!, reg[4 * i + 1]!, reg[4 * i + 2]!, reg[4 * i + 3]!];
}

function landmarksIn(b: FaceBox, landmarks: Float32Array, i: number): FivePoints {
  const w = b.x2 - b.x1;
  const h = b.y2 - b.y1;
  const p = (k: number): Point => [
    b.x1 + landmarks[10 * i + k]! * w,
    b.y1 + landmarks[10 * i + 5 + k]! * h,
  ];
  return [p(0), p(1), p(2), p(3), p(4)];
}

/** Working-image edges -> source edges for the box, source pixel centres for the points. */
function toSource(f: Candidate & { five: FivePoints }, kx: number, ky: number): MtcnnFace {
  const pt = (q: Point): Point => [q[0] * kx - 0.5, q[1] * ky - 0.5];
  return {
    box: { x1: f.x1 * kx, y1: f.y1 * ky, x2: f.x2 * kx, y2: f.y2 * ky, score: f.score },
    five: [pt(f.five[0]), pt(f.five[1]), pt(f.five[2]), pt(f.five[3]), pt(f.five[4])],
  };
}
