import { describe, expect, it } from 'vitest';
import { eyeAspectRatio, exposure, laplacianSharpness } from './face-quality';
import type { GreyImage } from './image-ops';
import type { Point } from './vision.types';

function grey(f: (x: number, y: number) => number): GreyImage {
  const data = new Uint8Array(112 * 112);
  for (let y = 0; y < 112; y++) for (let x = 0; x < 112; x++) data[y * 112 + x] = f(x, y);
  return { width: 112, height: 112, data };
}

/** 3x3 box blur, applied `times` times. */
function boxBlur(g: GreyImage, times: number): GreyImage {
  let cur = g;
  for (let t = 0; t < times; t++) {
    const out = new Uint8Array(cur.data.length);
    for (let y = 0; y < 112; y++) {
      for (let x = 0; x < 112; x++) {
        let s = 0;
        let n = 0;
        for (let dy = -1; dy <= 1; dy++) {
          for (let dx = -1; dx <= 1; dx++) {
            const xx = x + dx;
            const yy = y + dy;
            if (xx < 0 || yy < 0 || xx >= 112 || yy >= 112) continue;
            s += cur.data[yy * 112 + xx]!;
            n++;
          }
        }
        out[y * 112 + x] = Math.round(s / n);
      }
    }
    cur = { width: 112, height: 112, data: out };
  }
  return cur;
}

describe('face quality measurements', () => {
  // Slow shading plus fine detail, like a face: blur removes the detail first.
  const texture = grey(
    (x, y) => 128 + 50 * Math.sin(x * 0.1) * Math.cos(y * 0.08) + 25 * Math.sin(x * 1.3 + y * 0.9),
  );

  it('sharpness falls with blur and does not depend on contrast', () => {
    const sharp = laplacianSharpness(texture);
    expect(laplacianSharpness(boxBlur(texture, 3))).toBeLessThan(sharp / 5);
    const dim = grey((x, y) => Math.round(texture.data[y * 112 + x]! * 0.3));
    expect(laplacianSharpness(dim)).toBeCloseTo(sharp, 0);
    expect(laplacianSharpness(grey(() => 90))).toBe(0);
  });

  it('exposure reports the mean and the clipped fractions of the inner face', () => {
    expect(exposure(grey(() => 100))).toEqual({
      brightness: 100,
      darkFraction: 0,
      brightFraction: 0,
    });
    expect(exposure(grey(() => 5)).darkFraction).toBe(1);
    expect(exposure(grey(() => 250)).brightFraction).toBe(1);
  });

  it('eye aspect ratio: open eyes are tall, shut eyes flat', () => {
    const eye = (cx: number, h: number): Point[] => [
      [cx - 15, 0],
      [cx - 5, -h],
      [cx + 5, -h],
      [cx + 15, 0],
      [cx + 5, h],
      [cx - 5, h],
    ];
    const face = (h: number): Point[] => {
      const pts: Point[] = Array.from({ length: 68 }, (): Point => [0, 0]);
      pts.splice(36, 12, ...eye(-40, h), ...eye(40, h));
      return pts;
    };
    expect(eyeAspectRatio(face(4.5))).toBeCloseTo(0.3, 5);
    expect(eyeAspectRatio(face(0.5))).toBeCloseTo(1 / 30, 5);
  });
});
