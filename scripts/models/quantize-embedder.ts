/**
 * Int8 quantisation of the embedding network, written here because this machine has no Python
 * (so no onnxruntime.quantization): the QDQ form ONNX Runtime fuses into integer kernels.
 *
 * - Weights: per output channel, symmetric int8 (scale = max |w| / 127), stored as int8
 *   initializers behind DequantizeLinear (axis 0); biases as int32 at scale x_scale * w_scale.
 * - Activations (static): every float tensor between nodes gets QuantizeLinear ->
 *   DequantizeLinear with an asymmetric uint8 range measured on calibration faces. ONNX
 *   Runtime then runs DQ -> Conv -> Q as QLinearConv and DQ, DQ -> Add -> Q as QLinearAdd.
 *   PRelu has no integer kernel: it runs in float between a DQ and a Q.
 * - 'weights' mode keeps activations float: the accuracy cost of int8 weights alone (smaller
 *   file, not faster: the weights are dequantised back to float).
 *
 * The graph's opset is raised to 13, the first with per-axis DequantizeLinear; the ops of the
 * embedder (Conv, PRelu, Add, Reshape) mean the same from opset 9 to 13.
 */
import {
  floatsOf,
  intAttribute,
  outputNamed,
  readOnnx,
  tensorFrom,
  writeOnnx,
  type OnnxGraph,
  type OnnxNode,
  type OnnxTensor,
} from './onnx-graph';

export interface Range {
  min: number;
  max: number;
}

export interface QuantizeOptions {
  mode: 'weights' | 'static';
  /** Conv nodes (by output tensor name) left in float, e.g. the first and the embedding layer. */
  keepFloat?: ReadonlySet<string>;
  /** Activation ranges by tensor name (static mode). */
  ranges?: ReadonlyMap<string, Range>;
}

/** The float activation tensors: the graph input and every node output but the graph's outputs. */
export function activationNames(
  g: OnnxGraph,
  inputName: string,
  finalOutputs: readonly string[],
): string[] {
  const initializers = new Set(g.initializers.map((t) => t.name));
  const names = [inputName, ...g.nodes.flatMap((n) => n.outputs)];
  return names.filter((n) => !initializers.has(n) && !finalOutputs.includes(n));
}

/** The model with `names` added as graph outputs (to read activation ranges). */
export function withExtraOutputs(bytes: Uint8Array, names: readonly string[]): Uint8Array {
  const g = readOnnx(bytes);
  return writeOnnx({ ...g, outputs: [...g.outputs, ...names.map(outputNamed)] });
}

/** Running min/max of float tensors over calibration batches. */
export class RangeTracker {
  readonly ranges = new Map<string, Range>();

  observe(name: string, data: Float32Array): void {
    let { min, max } = this.ranges.get(name) ?? { min: Infinity, max: -Infinity };
    for (const v of data) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    this.ranges.set(name, { min, max });
  }
}

function uint8Params(r: Range): { scale: number; zeroPoint: number } {
  // The range must hold 0 exactly (zero padding, ReLU-like outputs).
  const min = Math.min(r.min, 0);
  const max = Math.max(r.max, 0);
  const scale = max > min ? (max - min) / 255 : 1;
  return { scale, zeroPoint: Math.min(255, Math.max(0, Math.round(-min / scale))) };
}

interface Builder {
  nodes: OnnxNode[];
  initializers: OnnxTensor[];
}

function perChannelInt8(w: Float32Array, channels: number): { q: Int8Array; scales: Float32Array } {
  const per = w.length / channels;
  const q = new Int8Array(w.length);
  const scales = new Float32Array(channels);
  for (let c = 0; c < channels; c++) {
    let max = 0;
    for (let i = c * per; i < (c + 1) * per; i++) max = Math.max(max, Math.abs(w[i]!));
    const s = max > 0 ? max / 127 : 1;
    scales[c] = s;
    for (let i = c * per; i < (c + 1) * per; i++)
      q[i] = Math.max(-127, Math.min(127, Math.round(w[i]! / s)));
  }
  return { q, scales };
}

function dequantize(
  b: Builder,
  name: string,
  q: OnnxTensor,
  scale: OnnxTensor,
  zero: OnnxTensor,
): string {
  b.initializers.push(q, scale, zero);
  const out = `${name}_dq`;
  b.nodes.push({
    opType: 'DequantizeLinear',
    name: `${name}_DequantizeLinear`,
    inputs: [q.name, scale.name, zero.name],
    outputs: [out],
    attributes: [intAttribute('axis', 0)],
  });
  return out;
}

/** Rewrites one Conv's weight (and bias) as int8 (int32) initializers behind DequantizeLinear. */
function quantizeConvWeights(
  b: Builder,
  conv: OnnxNode,
  byName: Map<string, OnnxTensor>,
  inputScale: number | null,
): OnnxNode {
  const [x, wName, bName] = conv.inputs;
  const w = byName.get(wName!);
  if (!w) throw new Error(`Conv ${conv.name}: weight ${wName} is not an initializer`);
  const channels = w.dims[0]!;
  const { q, scales } = perChannelInt8(floatsOf(w), channels);
  const wq = dequantize(
    b,
    w.name,
    tensorFrom(`${w.name}_q`, w.dims, q),
    tensorFrom(`${w.name}_scale`, [channels], scales),
    tensorFrom(`${w.name}_zero`, [channels], new Int8Array(channels)),
  );
  const inputs = [x!, wq];
  const bias = bName ? byName.get(bName) : undefined;
  if (bias && inputScale !== null) {
    const bs = Float32Array.from(scales, (s) => s * inputScale);
    const bq = Int32Array.from(floatsOf(bias), (v, c) => Math.round(v / bs[c]!));
    inputs.push(
      dequantize(
        b,
        bias.name,
        tensorFrom(`${bias.name}_q`, bias.dims, bq),
        tensorFrom(`${bias.name}_scale`, [channels], bs),
        tensorFrom(`${bias.name}_zero`, [channels], new Int32Array(channels)),
      ),
    );
  } else if (bName) inputs.push(bName);
  return { ...conv, inputs };
}

/** Q -> DQ after every activation with a measured range; consumers read the DQ output. */
function insertActivationQdq(b: Builder, ranges: ReadonlyMap<string, Range>): Map<string, string> {
  const renamed = new Map<string, string>();
  for (const [name, range] of ranges) {
    const { scale, zeroPoint } = uint8Params(range);
    const s = tensorFrom(`${name}_act_scale`, [], Float32Array.of(scale));
    const z = tensorFrom(`${name}_act_zero`, [], Uint8Array.of(zeroPoint));
    b.initializers.push(s, z);
    b.nodes.push(
      {
        opType: 'QuantizeLinear',
        name: `${name}_Q`,
        inputs: [name, s.name, z.name],
        outputs: [`${name}_q`],
        attributes: [],
      },
      {
        opType: 'DequantizeLinear',
        name: `${name}_DQ`,
        inputs: [`${name}_q`, s.name, z.name],
        outputs: [`${name}_qdq`],
        attributes: [],
      },
    );
    renamed.set(name, `${name}_qdq`);
  }
  return renamed;
}

/** The quantised model (see the file comment). Node order stays topological. */
export function quantizeEmbedder(bytes: Uint8Array, opts: QuantizeOptions): Uint8Array {
  const g = readOnnx(bytes);
  const byName = new Map(g.initializers.map((t) => [t.name, t]));
  const keep = opts.keepFloat ?? new Set<string>();
  const ranges =
    opts.mode === 'static' ? (opts.ranges ?? new Map<string, Range>()) : new Map<string, Range>();
  const replaced = new Set<string>();
  const b: Builder = { nodes: [], initializers: [] };
  const renamed = insertActivationQdq(b, ranges);
  const activationNodes = b.nodes.splice(0);
  const out: OnnxNode[] = [];
  // Activation Q/DQ of the graph input go first; the others right after their producer.
  const qdqFor = (tensor: string): OnnxNode[] =>
    activationNodes.filter((n) => n.inputs[0] === tensor || n.inputs[0] === `${tensor}_q`);
  for (const [tensor] of ranges)
    if (!g.nodes.some((n) => n.outputs.includes(tensor))) out.push(...qdqFor(tensor));
  for (const node of g.nodes) {
    let n: OnnxNode = { ...node, inputs: node.inputs.map((i) => renamed.get(i) ?? i) };
    if (node.opType === 'Conv' && !keep.has(node.outputs[0]!)) {
      const x = node.inputs[0]!;
      const inputScale = ranges.has(x) ? uint8Params(ranges.get(x)!).scale : null;
      n = quantizeConvWeights(b, n, byName, inputScale);
      replaced.add(node.inputs[1]!);
      if (inputScale !== null && node.inputs[2]) replaced.add(node.inputs[2]);
      out.push(...b.nodes.splice(0));
    }
    out.push(n);
    for (const o of node.outputs) out.push(...qdqFor(o));
  }
  const initializers = [...g.initializers.filter((t) => !replaced.has(t.name)), ...b.initializers];
  return writeOnnx({ ...g, nodes: out, initializers, opset: Math.max(g.opset, 13) });
}
