/**
 * TFLite NHWC tensors and constants in ONNX's NCHW order, for tflite-to-onnx.ts: the layout
 * each network's images come in, the permutation of constants, and graph input/output shapes.
 */
import { StationError } from '../../src/shared/errors';
import type { OnnxValue } from './onnx-proto-writer';
import type { TfliteTensor } from './tflite-graph';

/**
 * How a TFLite NHWC tensor maps onto an ONNX NCHW one. MTCNN's networks see a transposed image
 * (permutation [0, 3, 2, 1], its own inverse; TFLite's W axis is the image's y); MobileFaceNet
 * sees an ordinary one ([0, 3, 1, 2]). Kernels [O, KH, KW, I] take the same permutation.
 */
export interface Layout {
  perm: readonly [number, number, number, number];
  /** Spatial (KH, KW)-style pairs in ONNX order. */
  spatial: (h: number, w: number) => number[];
}
export const TRANSPOSED_IMAGE: Layout = { perm: [0, 3, 2, 1], spatial: (h, w) => [w, h] };
export const PLAIN_NHWC: Layout = { perm: [0, 3, 1, 2], spatial: (h, w) => [h, w] };

/** Reorders a constant of `shape` by `perm` (out dim k = in dim perm[k]). */
export function permute(data: Float32Array, shape: readonly number[], perm: readonly number[]) {
  const outShape = perm.map((p) => shape[p]!);
  const inStrides = stridesOf(shape);
  const out = new Float32Array(data.length);
  const idx = new Array<number>(shape.length).fill(0);
  for (let o = 0; o < out.length; o++) {
    let src = 0;
    for (let k = 0; k < perm.length; k++) src += idx[k]! * inStrides[perm[k]!]!;
    out[o] = data[src]!;
    for (let k = perm.length - 1; k >= 0; k--) {
      if (++idx[k]! < outShape[k]!) break;
      idx[k] = 0;
    }
  }
  return { data: out, shape: outShape };
}

function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let k = shape.length - 2; k >= 0; k--) s[k] = s[k + 1]! * shape[k + 1]!;
  return s;
}

/** Graph input/output shapes in ONNX order, with free sizes named. */
export function onnxValue(
  t: TfliteTensor,
  layout: Layout,
  freeSpatial: boolean,
  prefix: string,
): OnnxValue {
  if (t.shape.length === 4) {
    const [, h, w, c] = t.shape;
    const spatial = freeSpatial ? [`${prefix}height`, `${prefix}width`] : layout.spatial(h!, w!);
    return { name: t.name, dims: ['batch', c!, ...spatial] };
  }
  if (t.shape.length === 2) return { name: t.name, dims: ['batch', t.shape[1]!] };
  throw new StationError(
    'MODEL_TAMPERED',
    `Cannot convert this TFLite model to ONNX: tensor "${t.name}" has rank ${t.shape.length}`,
  );
}
