import { describe, expect, it } from 'vitest';
import type { RgbImage } from '../vision/vision.types';
import { fitAffineFlow, residualCoherence } from './affine-flow-fit';
import { gridFlow, matchBlock } from './block-matching';
import type { FaceSquare } from './face-square';
import { backgroundThumb, pairMotion, type FrameMotionInput } from './micro-motion';

const W = 320;
const H = 240;

/** Smooth random texture: a seeded random lattice every 5 px, bilinearly interpolated. */
function makeTexture(seed: number): (x: number, y: number) => number {
  const n = 200;
  const lattice = new Float64Array(n * n);
  let s = seed;
  for (let i = 0; i < lattice.length; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    lattice[i] = 40 + (s / 2147483648) * 180;
  }
  return (x, y) => {
    const gx = x / 5 + 20;
    const gy = y / 5 + 20;
    const x0 = Math.floor(gx);
    const y0 = Math.floor(gy);
    const ax = gx - x0;
    const ay = gy - y0;
    const at = (i: number, j: number): number => lattice[(j % n) * n + (i % n)]!;
    return (
      at(x0, y0) * (1 - ax) * (1 - ay) +
      at(x0 + 1, y0) * ax * (1 - ay) +
      at(x0, y0 + 1) * (1 - ax) * ay +
      at(x0 + 1, y0 + 1) * ax * ay
    );
  };
}

const background = makeTexture(7);
const skin = makeTexture(99);
const FACE: FaceSquare = { cx: 160, cy: 120, side: 100 };

interface Scene {
  /** Camera shift of everything. */
  camera?: [number, number];
  /** Extra shift of the whole face square. */
  face?: [number, number];
  /** Extra shift of a small "mouth" region inside the face only. */
  mouth?: [number, number];
}

function render(scene: Scene): { frame: RgbImage; square: FaceSquare } {
  const [cx, cy] = scene.camera ?? [0, 0];
  const [fx, fy] = scene.face ?? [0, 0];
  const [mx, my] = scene.mouth ?? [0, 0];
  const square = { cx: FACE.cx + cx + fx, cy: FACE.cy + cy + fy, side: FACE.side };
  const data = new Uint8Array(W * H * 3);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      // Position in the scene (camera motion moves everything).
      const sx = x - cx;
      const sy = y - cy;
      const inFace =
        Math.abs(sx - fx - FACE.cx) < FACE.side / 2 && Math.abs(sy - fy - FACE.cy) < FACE.side / 2;
      let v: number;
      if (!inFace) v = background(sx, sy);
      else {
        const lx = sx - fx;
        const ly = sy - fy;
        const inMouth = Math.abs(lx - FACE.cx) < 22 && Math.abs(ly - (FACE.cy + 25)) < 12;
        v = inMouth ? skin(lx - mx, ly - my) : skin(lx, ly);
      }
      const o = (y * W + x) * 3;
      data[o] = data[o + 1] = data[o + 2] = v;
    }
  }
  return { frame: { width: W, height: H, data }, square };
}

function input(scene: Scene): FrameMotionInput {
  const { frame, square } = render(scene);
  return { frame, square, thumb: backgroundThumb(frame) };
}

describe('block matching', () => {
  it('recovers a sub-pixel shift of a textured image', () => {
    const a = render({}).frame;
    const b = render({ camera: [1.5, -0.75] }).frame;
    const grey = (img: RgbImage) => ({
      width: img.width,
      height: img.height,
      data: img.data.filter((_, i) => i % 3 === 0),
    });
    const v = matchBlock(grey(a), grey(b), 100, 100, { half: 6, radius: 4, minStd: 2 });
    expect(v).not.toBeNull();
    expect(v!.dx).toBeCloseTo(1.5, 0);
    expect(v!.dy).toBeCloseTo(-0.75, 0);
    const flat = { width: 40, height: 40, data: new Uint8Array(1600).fill(90) };
    expect(
      gridFlow(flat, flat, { x: 5, y: 5, width: 30, height: 30 }, 3, {
        half: 4,
        radius: 3,
        minStd: 2,
      }),
    ).toEqual([]);
  });
});

describe('affine flow fit', () => {
  it('explains a rotation + zoom exactly and leaves local motion as residual', () => {
    const rigid = [];
    for (let y = 0; y < 5; y++)
      for (let x = 0; x < 5; x++) {
        const px = x * 10;
        const py = y * 10;
        rigid.push({
          x: px,
          y: py,
          dx: 0.5 + 0.02 * px - 0.03 * py,
          dy: -1 + 0.03 * px + 0.02 * py,
        });
      }
    expect(fitAffineFlow(rigid, 3)!.residual).toBeLessThan(1e-9);
    const local = rigid.map((v, i) => (i === 12 ? { ...v, dx: v.dx + 2 } : v));
    expect(fitAffineFlow(local, 3)!.residual).toBeGreaterThan(0.05);
    expect(fitAffineFlow(rigid.slice(0, 5), 3)).toBeNull();
  });

  it('calls residuals coherent when a region moves together, incoherent when they are noise', () => {
    let s = 5;
    const noise = (): number => {
      s = (s * 1103515245 + 12345) % 2147483648;
      return s / 2147483648 - 0.5;
    };
    const grid = [];
    for (let y = 0; y < 7; y++) for (let x = 0; x < 7; x++) grid.push({ x: x * 6, y: y * 6 });
    // A flat picture moved by hand: the affine map explains it, matching noise is what is left.
    const flat = grid.map((p) => ({ ...p, ex: 0.3 * noise(), ey: 0.3 * noise() }));
    // A face: the lower rows (lips, jaw) move down together, on top of the same noise.
    const face = flat.map((p) => (p.y >= 24 ? { ...p, ey: p.ey + 0.3 } : p));
    expect(Math.abs(residualCoherence(flat, 3))).toBeLessThan(0.15);
    expect(residualCoherence(face, 3)).toBeGreaterThan(0.3);
    // Mismatched blocks (beyond the clip) are not evidence either way.
    expect(residualCoherence(flat.slice(0, 2), 3)).toBe(0);
  });
});

describe('micro-motion between two frames', () => {
  const still = input({});

  it('sees no motion in identical frames', () => {
    const m = pairMotion(still, input({}))!;
    expect(m.nonRigid).toBeLessThan(1e-4);
    expect(m.rigid).toBeLessThan(1e-3);
  });

  it('subtracts a camera pan: the whole scene moving is not face motion', () => {
    const m = pairMotion(still, input({ camera: [3, 2] }))!;
    expect(m.background).toBeGreaterThan(0.025);
    expect(m.rigid).toBeLessThan(0.01);
    expect(m.nonRigid).toBeLessThan(0.002);
  });

  it('measures a face moving rigidly against a still background as rigid, not non-rigid', () => {
    const m = pairMotion(still, input({ face: [4, 0] }))!;
    expect(m.rigid).toBeGreaterThan(0.03);
    expect(m.background).toBeLessThan(0.005);
    expect(m.nonRigid).toBeLessThan(0.002);
  });

  it('reports local motion inside the face (lips moving) as non-rigid', () => {
    const m = pairMotion(still, input({ mouth: [0, 2] }))!;
    const rigidOnly = pairMotion(still, input({ face: [2, 0] }))!;
    expect(m.nonRigid).toBeGreaterThan(0.003);
    expect(m.nonRigid).toBeGreaterThan(3 * rigidOnly.nonRigid);
  });
});
