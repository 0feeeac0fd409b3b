/**
 * A deliberately plain reference interpreter for the float32 TFLite operators the MTCNN networks
 * and MobileFaceNet use, written from TFLite's operator semantics (NHWC tensors, TensorFlow SAME/VALID padding,
 * numpy broadcasting, FULLY_CONNECTED flattening its input to [-1, in]). It runs the graph op by
 * op exactly as the .tflite file lists it (PReLU and softmax as their spelled-out RELU / NEG /
 * MUL / ADD, MobileFaceNet's RELU / ABS / SUB / MUL / ADD, and REDUCE_MAX / SUB / EXP / SUM / DIV), so it shares no logic with the ONNX converter
 * it checks: only the flatbuffer reading (tflite-graph.ts), which the face-finding test covers.
 *
 * Why not TensorFlow Lite itself: there is no TensorFlow here, and `@tensorflow/tfjs-tflite`
 * would mean a browser, a WASM runtime and a new dependency for three small graphs; a few
 * hundred lines of loops are easier to audit. Slow (plain loops, float64 sums): for tests only.
 */
import type {
  Conv2dOp,
  DepthwiseConv2dOp,
  MaxPool2dOp,
  ReduceOp,
  TfliteGraph,
} from '../../scripts/models/tflite-graph';

export interface NdArray {
  shape: number[];
  data: Float32Array;
}

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let k = shape.length - 2; k >= 0; k--) s[k] = s[k + 1]! * shape[k + 1]!;
  return s;
}

/** TensorFlow's output size and leading pad for one spatial axis. */
function window(inSize: number, k: number, stride: number, padding: 'same' | 'valid') {
  if (padding === 'valid') return { out: Math.floor((inSize - k) / stride) + 1, before: 0 };
  const out = Math.ceil(inSize / stride);
  const total = Math.max((out - 1) * stride + k - inSize, 0);
  return { out, before: Math.floor(total / 2) };
}

function conv2d(x: NdArray, w: NdArray, b: NdArray, op: Conv2dOp): NdArray {
  const [n, h, wd, c] = x.shape as [number, number, number, number];
  const [o, kh, kw, ci] = w.shape as [number, number, number, number];
  if (ci !== c) throw new Error(`conv: ${c} input channels, kernel wants ${ci}`);
  const rows = window(h, kh, op.strideH, op.padding);
  const cols = window(wd, kw, op.strideW, op.padding);
  const out = new Float32Array(n * rows.out * cols.out * o);
  for (let bi = 0; bi < n; bi++)
    for (let oy = 0; oy < rows.out; oy++)
      for (let ox = 0; ox < cols.out; ox++)
        for (let oc = 0; oc < o; oc++) {
          let acc = b.data[oc]!;
          for (let ky = 0; ky < kh; ky++) {
            const iy = oy * op.strideH + ky - rows.before;
            if (iy < 0 || iy >= h) continue; // zero padding
            for (let kx = 0; kx < kw; kx++) {
              const ix = ox * op.strideW + kx - cols.before;
              if (ix < 0 || ix >= wd) continue;
              for (let ic = 0; ic < c; ic++)
                acc +=
                  x.data[((bi * h + iy) * wd + ix) * c + ic]! *
                  w.data[((oc * kh + ky) * kw + kx) * c + ic]!;
            }
          }
          out[((bi * rows.out + oy) * cols.out + ox) * o + oc] = acc;
        }
  return { shape: [n, rows.out, cols.out, o], data: out };
}

/** One [KH, KW] kernel per channel (depth multiplier 1): kernel [1, KH, KW, C]. */
function depthwiseConv2d(x: NdArray, w: NdArray, b: NdArray, op: DepthwiseConv2dOp): NdArray {
  const [n, h, wd, c] = x.shape as [number, number, number, number];
  const [one, kh, kw, kc] = w.shape as [number, number, number, number];
  if (one !== 1 || kc !== c)
    throw new Error(`depthwise: ${c} channels, kernel ${w.shape.join('x')}`);
  const rows = window(h, kh, op.strideH, op.padding);
  const cols = window(wd, kw, op.strideW, op.padding);
  const out = new Float32Array(n * rows.out * cols.out * c);
  for (let bi = 0; bi < n; bi++)
    for (let oy = 0; oy < rows.out; oy++)
      for (let ox = 0; ox < cols.out; ox++)
        for (let ch = 0; ch < c; ch++) {
          let acc = b.data[ch]!;
          for (let ky = 0; ky < kh; ky++) {
            const iy = oy * op.strideH + ky - rows.before;
            if (iy < 0 || iy >= h) continue; // zero padding
            for (let kx = 0; kx < kw; kx++) {
              const ix = ox * op.strideW + kx - cols.before;
              if (ix < 0 || ix >= wd) continue;
              acc += x.data[((bi * h + iy) * wd + ix) * c + ch]! * w.data[(ky * kw + kx) * c + ch]!;
            }
          }
          out[((bi * rows.out + oy) * cols.out + ox) * c + ch] = acc;
        }
  return { shape: [n, rows.out, cols.out, c], data: out };
}

/** TFLite RESHAPE: the shape tensor's dims, one of them possibly -1; the data is untouched. */
function reshape(x: NdArray, shapeTensor: NdArray): NdArray {
  const dims = Array.from(shapeTensor.data);
  const known = dims.filter((d) => d !== -1).reduce((a, d) => a * d, 1);
  const shape = dims.map((d) => (d === -1 ? size(x.shape) / known : d));
  if (size(shape) !== size(x.shape))
    throw new Error(`reshape ${x.shape.join('x')} to ${dims.join('x')}`);
  return { shape, data: x.data };
}

function maxPool(x: NdArray, op: MaxPool2dOp): NdArray {
  const [n, h, wd, c] = x.shape as [number, number, number, number];
  const rows = window(h, op.filterH, op.strideH, op.padding);
  const cols = window(wd, op.filterW, op.strideW, op.padding);
  const out = new Float32Array(n * rows.out * cols.out * c);
  for (let bi = 0; bi < n; bi++)
    for (let oy = 0; oy < rows.out; oy++)
      for (let ox = 0; ox < cols.out; ox++)
        for (let ch = 0; ch < c; ch++) {
          let m = -Infinity; // padded positions do not take part
          for (let ky = 0; ky < op.filterH; ky++) {
            const iy = oy * op.strideH + ky - rows.before;
            if (iy < 0 || iy >= h) continue;
            for (let kx = 0; kx < op.filterW; kx++) {
              const ix = ox * op.strideW + kx - cols.before;
              if (ix >= 0 && ix < wd) m = Math.max(m, x.data[((bi * h + iy) * wd + ix) * c + ch]!);
            }
          }
          out[((bi * rows.out + oy) * cols.out + ox) * c + ch] = m;
        }
  return { shape: [n, rows.out, cols.out, c], data: out };
}

function fullyConnected(x: NdArray, w: NdArray, b: NdArray): NdArray {
  const [units, depth] = w.shape as [number, number];
  const batch = size(x.shape) / depth;
  const out = new Float32Array(batch * units);
  for (let i = 0; i < batch; i++)
    for (let u = 0; u < units; u++) {
      let acc = b.data[u]!;
      for (let k = 0; k < depth; k++) acc += x.data[i * depth + k]! * w.data[u * depth + k]!;
      out[i * units + u] = acc;
    }
  return { shape: [batch, units], data: out };
}

/** numpy-style broadcasting of two operands. */
function binary(a: NdArray, b: NdArray, f: (p: number, q: number) => number): NdArray {
  const rank = Math.max(a.shape.length, b.shape.length);
  const pad = (s: number[]): number[] => [...new Array<number>(rank - s.length).fill(1), ...s];
  const sa = pad(a.shape);
  const sb = pad(b.shape);
  const shape = sa.map((d, k) => Math.max(d, sb[k]!));
  const ta = stridesOf(sa).map((s, k) => (sa[k] === 1 ? 0 : s));
  const tb = stridesOf(sb).map((s, k) => (sb[k] === 1 ? 0 : s));
  const out = new Float32Array(size(shape));
  const idx = new Array<number>(rank).fill(0);
  for (let o = 0; o < out.length; o++) {
    let ia = 0;
    let ib = 0;
    for (let k = 0; k < rank; k++) {
      ia += idx[k]! * ta[k]!;
      ib += idx[k]! * tb[k]!;
    }
    out[o] = f(a.data[ia]!, b.data[ib]!);
    for (let k = rank - 1; k >= 0; k--) {
      if (++idx[k]! < shape[k]!) break;
      idx[k] = 0;
    }
  }
  return { shape, data: out };
}

function reduce(x: NdArray, axesTensor: NdArray, op: ReduceOp): NdArray {
  const rank = x.shape.length;
  const axes = Array.from(axesTensor.data, (a) => (a < 0 ? a + rank : a));
  const kept = x.shape.map((d, k) => (axes.includes(k) ? 1 : d));
  const out = new Float32Array(size(kept)).fill(op.op === 'SUM' ? 0 : -Infinity);
  const keptStrides = stridesOf(kept);
  const idx = new Array<number>(rank).fill(0);
  for (let i = 0; i < x.data.length; i++) {
    let o = 0;
    for (let k = 0; k < rank; k++) if (!axes.includes(k)) o += idx[k]! * keptStrides[k]!;
    out[o] = op.op === 'SUM' ? out[o]! + x.data[i]! : Math.max(out[o]!, x.data[i]!);
    for (let k = rank - 1; k >= 0; k--) {
      if (++idx[k]! < x.shape[k]!) break;
      idx[k] = 0;
    }
  }
  return { shape: op.keepDims ? kept : x.shape.filter((_, k) => !axes.includes(k)), data: out };
}

function unary(x: NdArray, f: (v: number) => number): NdArray {
  return { shape: x.shape, data: x.data.map(f) };
}

/** Runs the graph on one NHWC input; returns the graph outputs in the model's order. */
export function runTfliteReference(graph: TfliteGraph, input: NdArray): NdArray[] {
  const values = new Map<number, NdArray>();
  for (const t of graph.tensors) {
    if (t.data) values.set(t.index, { shape: t.shape, data: Float32Array.from(t.data) });
  }
  values.set(graph.inputs[0]!, input);
  const get = (i: number | undefined): NdArray => {
    const v = i === undefined ? undefined : values.get(i);
    if (!v) throw new Error(`tensor ${String(i)} has no value yet`);
    return v;
  };
  for (const op of graph.operators) {
    const [a, b, c] = op.inputs;
    let y: NdArray;
    switch (op.op) {
      case 'CONV_2D':
        y = conv2d(get(a), get(b), get(c), op);
        break;
      case 'DEPTHWISE_CONV_2D':
        y = depthwiseConv2d(get(a), get(b), get(c), op);
        break;
      case 'MAX_POOL_2D':
        y = maxPool(get(a), op);
        break;
      case 'RESHAPE':
        y = reshape(get(a), get(b));
        break;
      case 'ABS':
        y = unary(get(a), Math.abs);
        break;
      case 'FULLY_CONNECTED':
        y = fullyConnected(get(a), get(b), get(c));
        break;
      case 'REDUCE_MAX':
      case 'SUM':
        y = reduce(get(a), get(b), op);
        break;
      case 'ADD':
        y = binary(get(a), get(b), (p, q) => p + q);
        break;
      case 'SUB':
        y = binary(get(a), get(b), (p, q) => p - q);
        break;
      case 'MUL':
        y = binary(get(a), get(b), (p, q) => p * q);
        break;
      case 'DIV':
        y = binary(get(a), get(b), (p, q) => p / q);
        break;
      case 'RELU':
        y = unary(get(a), (v) => Math.max(0, v));
        break;
      case 'NEG':
        y = unary(get(a), (v) => -v);
        break;
      case 'EXP':
        y = unary(get(a), Math.exp);
        break;
    }
    values.set(op.outputs[0]!, y);
  }
  return graph.outputs.map(get);
}
