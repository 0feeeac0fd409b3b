/**
 * Contrast equalisation for detection only: a backlit webcam frame (a bright window behind the
 * person) leaves the face in a few dark grey levels, where both detectors miss it. Contrast-
 * limited adaptive histogram equalisation (CLAHE, Zuiderveld 1994) spreads each region's levels
 * over the full range, so the face gets back the contrast its features need; the clip limit
 * keeps flat regions (a wall) from turning into noise. The equalised image is only searched for
 * faces: landmarks, alignment and embedding use the original pixels.
 */
import type { RgbImage } from './vision.types';

export interface ClaheOptions {
  /** Tiles across the longer side (the shorter side gets proportionally fewer, at least 2). */
  tiles: number;
  /** Histogram clip limit as a multiple of the mean bin count (1 = plain equalisation off). */
  clipLimit: number;
}

export const DEFAULT_CLAHE: ClaheOptions = { tiles: 4, clipLimit: 3 };

/** Rec. 601 luma of every pixel (0..255, rounded). */
function luma(img: RgbImage): Uint8Array {
  const n = img.width * img.height;
  const y = new Uint8Array(n);
  const d = img.data;
  for (let i = 0, j = 0; i < n; i++, j += 3) {
    y[i] = (d[j]! * 299 + d[j + 1]! * 587 + d[j + 2]! * 114 + 500) / 1000;
  }
  return y;
}

/** One tile's clipped, redistributed cumulative histogram as a 256-entry lookup table. */
function tileMapping(
  y: Uint8Array,
  width: number,
  x0: number,
  x1: number,
  y0: number,
  y1: number,
  clipLimit: number,
): Uint8Array {
  const hist = new Float64Array(256);
  for (let r = y0; r < y1; r++) for (let c = x0; c < x1; c++) hist[y[r * width + c]!]!++;
  const count = (x1 - x0) * (y1 - y0);
  const limit = Math.max(1, (clipLimit * count) / 256);
  let excess = 0;
  for (let v = 0; v < 256; v++) {
    if (hist[v]! > limit) {
      excess += hist[v]! - limit;
      hist[v] = limit;
    }
  }
  const lut = new Uint8Array(256);
  let cum = 0;
  for (let v = 0; v < 256; v++) {
    cum += hist[v]! + excess / 256;
    lut[v] = Math.min(255, Math.round((cum / count) * 255));
  }
  return lut;
}

/**
 * The image with CLAHE applied to its luma, colours scaled along (hue kept). Tile mappings are
 * blended bilinearly between tile centres, so no tile edges show.
 */
export function equalizeContrast(img: RgbImage, opts: ClaheOptions = DEFAULT_CLAHE): RgbImage {
  const { width: w, height: h } = img;
  const y = luma(img);
  const long = Math.max(w, h);
  const tx = Math.max(2, Math.round((opts.tiles * w) / long));
  const ty = Math.max(2, Math.round((opts.tiles * h) / long));
  const luts: Uint8Array[] = [];
  for (let j = 0; j < ty; j++)
    for (let i = 0; i < tx; i++) {
      const [x0, x1] = [Math.floor((i * w) / tx), Math.floor(((i + 1) * w) / tx)];
      const [y0, y1] = [Math.floor((j * h) / ty), Math.floor(((j + 1) * h) / ty)];
      luts.push(
        tileMapping(y, w, x0, Math.max(x1, x0 + 1), y0, Math.max(y1, y0 + 1), opts.clipLimit),
      );
    }
  const out = new Uint8Array(img.data.length);
  for (let r = 0; r < h; r++) {
    // Position between tile centres, clamped at the border tiles.
    const fy = Math.min(ty - 1, Math.max(0, ((r + 0.5) * ty) / h - 0.5));
    const j0 = Math.floor(fy);
    const j1 = Math.min(ty - 1, j0 + 1);
    const ay = fy - j0;
    for (let c = 0; c < w; c++) {
      const fx = Math.min(tx - 1, Math.max(0, ((c + 0.5) * tx) / w - 0.5));
      const i0 = Math.floor(fx);
      const i1 = Math.min(tx - 1, i0 + 1);
      const ax = fx - i0;
      const p = r * w + c;
      const v = y[p]!;
      const top = luts[j0 * tx + i0]![v]! * (1 - ax) + luts[j0 * tx + i1]![v]! * ax;
      const bottom = luts[j1 * tx + i0]![v]! * (1 - ax) + luts[j1 * tx + i1]![v]! * ax;
      const mapped = top * (1 - ay) + bottom * ay;
      // Scale R, G, B by the luma gain; a black pixel takes the mapped grey.
      const gain = v > 0 ? mapped / v : 0;
      for (let k = 0; k < 3; k++) {
        const src = img.data[3 * p + k]!;
        out[3 * p + k] = Math.min(255, Math.round(v > 0 ? src * gain : mapped));
      }
    }
  }
  return { width: w, height: h, data: out };
}
