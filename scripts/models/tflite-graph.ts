/**
 * Reads the first subgraph of a float32 TFLite model (tensorflow/lite/schema/schema.fbs) into
 * plain data: tensors with their constant data, and operators with their options. Only the
 * operators the MTCNN networks and MobileFaceNet use are understood; anything else (another operator, a fused
 * activation, dilation, a quantised tensor) is refused by name, so a converter or interpreter
 * built on this never guesses.
 */
import { StationError } from '../../src/shared/errors';
import type { FlatReader } from './flatbuffer-reader';
import { BUFFER, MODEL, openModel } from './tflite-model-reader';

/** schema.fbs BuiltinOperator codes of the operators we understand. */
export const TFLITE_BUILTINS = {
  ADD: 0,
  CONV_2D: 3,
  DEPTHWISE_CONV_2D: 4,
  FULLY_CONNECTED: 9,
  MAX_POOL_2D: 17,
  MUL: 18,
  RELU: 19,
  RESHAPE: 22,
  SUB: 41,
  DIV: 42,
  EXP: 47,
  NEG: 59,
  SUM: 74,
  REDUCE_MAX: 82,
  ABS: 101,
} as const;
export type TfliteOpName = keyof typeof TFLITE_BUILTINS;

/** Field ids (schema.fbs declaration order). */
const MODEL_OPERATOR_CODES = 1;
const OPERATOR_CODE = { deprecatedBuiltin: 0, builtin: 3 } as const;
const SUBGRAPH = { tensors: 0, inputs: 1, outputs: 2, operators: 3 } as const;
const TENSOR = { shape: 0, type: 1, buffer: 2, name: 3 } as const;
const OPERATOR = { opcodeIndex: 0, inputs: 1, outputs: 2, options: 4 } as const;
const CONV = { padding: 0, strideW: 1, strideH: 2, activation: 3, dilationW: 4, dilationH: 5 };
const DEPTHWISE = { ...CONV, depthMultiplier: 3, activation: 4, dilationW: 5, dilationH: 6 };
const POOL = { padding: 0, strideW: 1, strideH: 2, filterW: 3, filterH: 4, activation: 5 };
/** AddOptions, MulOptions, SubOptions, DivOptions, FullyConnectedOptions: activation first. */
const ACTIVATION_FIRST = 0;
const REDUCER_KEEP_DIMS = 0;
const TENSOR_TYPES: Record<number, TfliteTensor['type']> = { 0: 'float32', 2: 'int32' };

export type Padding = 'same' | 'valid';

export interface TfliteTensor {
  index: number;
  name: string;
  /** As declared in the model (TFLite's own layout: NHWC for images). */
  shape: number[];
  type: 'float32' | 'int32';
  /** Constant contents (weights, biases, axes); undefined for activations. */
  data: Float32Array | Int32Array | undefined;
}

interface OpBase {
  inputs: number[];
  outputs: number[];
}

export interface Conv2dOp extends OpBase {
  op: 'CONV_2D';
  padding: Padding;
  strideW: number;
  strideH: number;
}

/** Depth multiplier 1 only: one kernel per input channel (the reader refuses others). */
export interface DepthwiseConv2dOp extends OpBase {
  op: 'DEPTHWISE_CONV_2D';
  padding: Padding;
  strideW: number;
  strideH: number;
}

export interface MaxPool2dOp extends OpBase {
  op: 'MAX_POOL_2D';
  padding: Padding;
  strideW: number;
  strideH: number;
  filterW: number;
  filterH: number;
}

export interface ReduceOp extends OpBase {
  op: 'REDUCE_MAX' | 'SUM';
  keepDims: boolean;
}

export interface SimpleOp extends OpBase {
  op: 'ADD' | 'MUL' | 'SUB' | 'DIV' | 'RELU' | 'NEG' | 'EXP' | 'ABS' | 'FULLY_CONNECTED';
}

/** The new shape is the operator's second input (a constant), as TOCO writes it. */
export interface ReshapeOp extends OpBase {
  op: 'RESHAPE';
}

export type TfliteOperator =
  Conv2dOp | DepthwiseConv2dOp | MaxPool2dOp | ReduceOp | SimpleOp | ReshapeOp;

export interface TfliteGraph {
  tensors: TfliteTensor[];
  operators: TfliteOperator[];
  inputs: number[];
  outputs: number[];
}

function unsupported(what: string): never {
  throw new StationError('MODEL_TAMPERED', `Unsupported TFLite model: ${what}`);
}

function opNameOf(code: number): TfliteOpName {
  const found = (Object.keys(TFLITE_BUILTINS) as TfliteOpName[]).find(
    (k) => TFLITE_BUILTINS[k] === code,
  );
  return found ?? unsupported(`builtin operator ${code} is not one this reader knows`);
}

function vectorField(r: FlatReader, table: number, id: number): number[] {
  const v = r.refField(table, id);
  return v === undefined ? [] : r.i32Vector(v);
}

function tableField(r: FlatReader, table: number, id: number): number[] {
  const v = r.refField(table, id);
  return v === undefined ? [] : r.tableVector(v);
}

function readConstant(
  r: FlatReader,
  buffer: number | undefined,
  type: TfliteTensor['type'],
): TfliteTensor['data'] {
  if (buffer === undefined) return undefined;
  const vec = r.refField(buffer, BUFFER.data);
  if (vec === undefined) return undefined;
  const bytes = r.byteVector(vec);
  if (bytes.length === 0) return undefined;
  if (bytes.length % 4 !== 0) return r.fail(`constant of ${bytes.length} bytes is not 32-bit`);
  // Copy through a DataView: the file does not promise 4-byte alignment of the vector.
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = bytes.length / 4;
  if (type === 'int32') return Int32Array.from({ length: n }, (_, i) => view.getInt32(4 * i, true));
  return Float32Array.from({ length: n }, (_, i) => view.getFloat32(4 * i, true));
}

function readTensors(r: FlatReader, subgraph: number, buffers: number[]): TfliteTensor[] {
  return tableField(r, subgraph, SUBGRAPH.tensors).map((t, index) => {
    const name = r.stringField(t, TENSOR.name) ?? `tensor${index}`;
    const typeCode = r.u8Field(t, TENSOR.type);
    const type = TENSOR_TYPES[typeCode] ?? unsupported(`tensor "${name}" has type ${typeCode}`);
    const data = readConstant(r, buffers[r.u32Field(t, TENSOR.buffer)], type);
    return { index, name, shape: vectorField(r, t, TENSOR.shape), type, data };
  });
}

function padding(r: FlatReader, options: number, id: number): Padding {
  const code = r.u8Field(options, id);
  return code === 0 ? 'same' : code === 1 ? 'valid' : unsupported(`padding code ${code}`);
}

function noActivation(r: FlatReader, options: number | undefined, id: number, op: string): void {
  if (options !== undefined && r.u8Field(options, id) !== 0) {
    unsupported(`${op} with a fused activation`);
  }
}

/** Padding and strides of a (depthwise) convolution; refuses activations and dilation. */
function convOptions(
  r: FlatReader,
  options: number | undefined,
  ids: typeof CONV,
  op: string,
): { padding: Padding; strideW: number; strideH: number } {
  if (options === undefined) return r.fail(`${op} without options`);
  noActivation(r, options, ids.activation, op);
  if (r.i32Field(options, ids.dilationW, 1) !== 1 || r.i32Field(options, ids.dilationH, 1) !== 1)
    unsupported(`dilated ${op}`);
  return {
    padding: padding(r, options, ids.padding),
    strideW: r.i32Field(options, ids.strideW),
    strideH: r.i32Field(options, ids.strideH),
  };
}

function readOperator(r: FlatReader, table: number, opNames: TfliteOpName[]): TfliteOperator {
  const op =
    opNames[r.u32Field(table, OPERATOR.opcodeIndex)] ?? r.fail('opcode index out of range');
  const io = {
    inputs: vectorField(r, table, OPERATOR.inputs),
    outputs: vectorField(r, table, OPERATOR.outputs),
  };
  const options = r.refField(table, OPERATOR.options);
  switch (op) {
    case 'CONV_2D':
      return { op, ...io, ...convOptions(r, options, CONV, op) };
    case 'DEPTHWISE_CONV_2D': {
      const conv = convOptions(r, options, DEPTHWISE, op);
      const multiplier = r.i32Field(options!, DEPTHWISE.depthMultiplier, 1);
      if (multiplier !== 1) unsupported(`DEPTHWISE_CONV_2D with depth multiplier ${multiplier}`);
      return { op, ...io, ...conv };
    }
    case 'MAX_POOL_2D': {
      if (options === undefined) return r.fail('MAX_POOL_2D without options');
      noActivation(r, options, POOL.activation, op);
      return {
        op,
        ...io,
        padding: padding(r, options, POOL.padding),
        strideW: r.i32Field(options, POOL.strideW),
        strideH: r.i32Field(options, POOL.strideH),
        filterW: r.i32Field(options, POOL.filterW),
        filterH: r.i32Field(options, POOL.filterH),
      };
    }
    case 'REDUCE_MAX':
    case 'SUM':
      return {
        op,
        ...io,
        keepDims: options !== undefined && r.u8Field(options, REDUCER_KEEP_DIMS) !== 0,
      };
    case 'ADD':
    case 'MUL':
    case 'SUB':
    case 'DIV':
    case 'FULLY_CONNECTED':
      noActivation(r, options, ACTIVATION_FIRST, op);
      return { op, ...io };
    case 'RELU':
    case 'NEG':
    case 'EXP':
    case 'ABS':
    case 'RESHAPE':
      return { op, ...io };
  }
}

/** The first subgraph of `model` (a .tflite file's bytes). Throws MODEL_TAMPERED when unsupported. */
export function readTfliteGraph(model: Uint8Array): TfliteGraph {
  const r = openModel(model);
  const root = r.root();
  const opNames = tableField(r, root, MODEL_OPERATOR_CODES).map((t) =>
    opNameOf(
      Math.max(r.u8Field(t, OPERATOR_CODE.deprecatedBuiltin), r.i32Field(t, OPERATOR_CODE.builtin)),
    ),
  );
  const subgraph = tableField(r, root, MODEL.subgraphs)[0] ?? r.fail('the model has no subgraph');
  const tensors = readTensors(r, subgraph, tableField(r, root, MODEL.buffers));
  const operators = tableField(r, subgraph, SUBGRAPH.operators).map((t) =>
    readOperator(r, t, opNames),
  );
  const graph = {
    tensors,
    operators,
    inputs: vectorField(r, subgraph, SUBGRAPH.inputs),
    outputs: vectorField(r, subgraph, SUBGRAPH.outputs),
  };
  for (const op of operators) {
    for (const i of [...op.inputs, ...op.outputs]) {
      if (!tensors[i]) r.fail(`${op.op} refers to tensor ${i} of ${tensors.length}`);
    }
  }
  return graph;
}

/** The tensor at `index`, or a MODEL_TAMPERED error naming what was looked for. */
export function tensorAt(graph: TfliteGraph, index: number | undefined): TfliteTensor {
  const t = index === undefined ? undefined : graph.tensors[index];
  return t ?? unsupported(`tensor index ${String(index)} is out of range`);
}
