/**
 * Where the faces of a whole image are: fr_detect and MTCNN, each checking the other, because
 * each alone fires on hands, tattoos, a cat or a motorcycle in ../shared/data, never both.
 * fr_detect proposes and O-Net confirms (its five points also start the 68-point model); when that
 * finds nothing, the MTCNN cascade searches and fr_detect confirms. Then the contrast-equalised
 * image and quarter turns are tried (backlit faces, phone clips that lost their rotation), keeping
 * only confirmed camera-sized faces, since every extra view is another chance of a false face.
 * 'precise' mode also tiles for small faces in group photos (docs/BENCHMARKS.md, "Face detection
 * recall").
 */
import { equalizeContrast } from './exposure';
import { type DetectOptions, detectFaces, fitMatrix } from './face-detection';
import { createRgbImage, warpAffine } from './image-ops';
import type { MtcnnDetector, MtcnnFace } from './mtcnn-detector';
import { dropNestedBoxes } from './nms';
import { type QuarterTurn, boxBack, fiveBack, turnImage } from './quarter-turn';
import type { FaceDetectorModel } from './vision-models';
import type { FaceBox, FivePoints, RgbImage } from './vision.types';

export type FindMode = 'fast' | 'precise';

/** The view a face was found in (kept for benchmarks and diagnostics). */
export type FoundIn = 'image' | 'equalized' | 'turned';

export interface FoundFace {
  box: FaceBox;
  /** O-Net's five points for the face (null when MTCNN is not available). */
  five: FivePoints | null;
  foundIn: FoundIn;
}

export interface FaceFinderConfig {
  /** fr_detect settings; minScore is the proposal score when O-Net confirms the proposals. */
  detect: DetectOptions;
  /** Tile grid in 'precise' mode ('fast' uses detect.tileGrid). */
  preciseTileGrid: number;
  /** O-Net probability that confirms an fr_detect proposal. */
  confirmThreshold: number;
  /** fr_detect score, on the enlarged surroundings of an MTCNN face, that confirms it. */
  crossCheckScore: number;
  /** Further views tried in this order while none has yielded a face. */
  fallbackViews: readonly ('equalized' | 'turned')[];
}

/** fr_detect sees an MTCNN face in a square this many face sides wide. */
const CROSS_CHECK_CONTEXT = 2.2;
/**
 * A face found only in an equalised or turned view must span this fraction of the image's short
 * side: those views are for a person in front of the camera, not for distant small faces.
 */
const FALLBACK_MIN_FACE = 0.1;

export class FaceFinder {
  constructor(
    private readonly fast: FaceDetectorModel,
    /** Null: fr_detect alone, unconfirmed (tools and tests that compare detectors). */
    private readonly mtcnn: MtcnnDetector | null,
    readonly config: FaceFinderConfig,
  ) {}

  async find(img: RgbImage, mode: FindMode, overrides: Partial<DetectOptions> = {}) {
    const opts: DetectOptions = {
      ...this.config.detect,
      ...(mode === 'precise' ? { tileGrid: this.config.preciseTileGrid } : {}),
      ...overrides,
    };
    if (!this.mtcnn) {
      const boxes = await detectFaces(this.fast, img, opts);
      return boxes.map((box): FoundFace => ({ box, five: null, foundIn: 'image' }));
    }
    let found = await this.confirmed(img, this.mtcnn, opts, 'image', 0);
    if (found.length === 0) found = await this.crossChecked(img, this.mtcnn);
    const minSide = FALLBACK_MIN_FACE * Math.min(img.width, img.height);
    for (const view of this.config.fallbackViews) {
      if (found.length > 0) break;
      if (view === 'equalized') {
        found = await this.confirmed(equalizeContrast(img), this.mtcnn, opts, 'equalized', minSide);
        continue;
      }
      for (const turn of ['cw', 'ccw'] as QuarterTurn[]) {
        const turned = await this.confirmed(
          turnImage(img, turn),
          this.mtcnn,
          opts,
          'turned',
          minSide,
        );
        found = turned.map((f) => turnedBack(f, turn, img));
        if (found.length > 0) break;
      }
    }
    return keepBest(found, opts.maxFaces);
  }

  /** fr_detect proposals at least `minSide` wide that O-Net confirms, with O-Net's points. */
  private async confirmed(
    view: RgbImage,
    mtcnn: MtcnnDetector,
    opts: DetectOptions,
    foundIn: FoundIn,
    minSide: number,
  ): Promise<FoundFace[]> {
    const proposals = (await detectFaces(this.fast, view, opts)).filter(
      (b) => b.x2 - b.x1 >= minSide,
    );
    const confirmed = await mtcnn.confirm(view, proposals, this.config.confirmThreshold);
    // The fr_detect box is kept (the landmark model's crop was measured on its shape).
    return proposals.flatMap((box, i) => {
      const c = confirmed[i];
      return c ? [{ box, five: c.five, foundIn }] : [];
    });
  }

  /** The MTCNN cascade's faces that fr_detect confirms. */
  private async crossChecked(img: RgbImage, mtcnn: MtcnnDetector): Promise<FoundFace[]> {
    const faces: FoundFace[] = [];
    for (const f of await mtcnn.detect(img)) {
      if (await this.fastAgrees(img, f)) faces.push({ box: f.box, five: f.five, foundIn: 'image' });
    }
    return faces;
  }

  /** Does fr_detect, shown the face's surroundings enlarged, find a face at its centre? */
  private async fastAgrees(view: RgbImage, face: MtcnnFace): Promise<boolean> {
    const b = face.box;
    const side = Math.max(b.x2 - b.x1, b.y2 - b.y1) * CROSS_CHECK_CONTEXT;
    const [cx, cy] = [(b.x1 + b.x2) / 2, (b.y1 + b.y2) / 2];
    const rect = { x: cx - side / 2, y: cy - side / 2, width: side, height: side };
    const [w, h] = [this.fast.inputWidth, this.fast.inputHeight];
    const m = fitMatrix(rect, w, h, 'letterbox');
    const input = warpAffine(view, m, w, h, {
      out: createRgbImage(w, h),
      fill: 127,
      maxSupersample: 4,
    });
    const [px, py] = [m[0] * cx + m[2], m[4] * cy + m[5]];
    const boxes = await this.fast.detect(input, this.config.crossCheckScore);
    return boxes.some((d) => px > d.x1 && px < d.x2 && py > d.y1 && py < d.y2);
  }
}

function turnedBack(f: FoundFace, turn: QuarterTurn, img: RgbImage): FoundFace {
  return {
    box: boxBack(f.box, turn, img.width, img.height),
    five: f.five && fiveBack(f.five, turn, img.width, img.height),
    foundIn: f.foundIn,
  };
}

/** Highest score first, at most `max`, no face inside another. */
function keepBest(found: FoundFace[], max: number): FoundFace[] {
  const sorted = [...found].sort((a, b) => b.box.score - a.box.score).slice(0, max);
  const kept = new Set(dropNestedBoxes(sorted.map((f) => f.box)));
  return sorted.filter((f) => kept.has(f.box));
}
