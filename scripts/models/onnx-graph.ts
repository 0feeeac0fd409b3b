/**
 * An ONNX model as plain data for rewriting (the quantiser): nodes and initializers decoded
 * into small objects, everything else kept as raw protobuf fields so it survives untouched.
 * Field numbers from onnx/onnx.proto3 (ModelProto, GraphProto, NodeProto, TensorProto,
 * AttributeProto, ValueInfoProto, OperatorSetIdProto).
 */
import {
  WIRE,
  decodeMessage,
  encodeMessage,
  getInt,
  getInts,
  getMessage,
  getMessages,
  getString,
  getStrings,
  pb,
  type PbField,
} from './protobuf-wire';

const MODEL = { irVersion: 1, opsetImport: 8, graph: 7 } as const;
const GRAPH = { node: 1, initializer: 5, input: 11, output: 12, valueInfo: 13 } as const;
const NODE = { input: 1, output: 2, name: 3, opType: 4, attribute: 5, domain: 7 } as const;
const TENSOR = { dims: 1, dataType: 2, floatData: 4, int32Data: 5, name: 8, rawData: 9 } as const;
const ATTR = { name: 1, i: 3, type: 20 } as const;
const OPSET = { domain: 1, version: 2 } as const;

/** TensorProto.DataType values used here. */
export const DTYPE = { float: 1, uint8: 2, int8: 3, int32: 6, int64: 7 } as const;

export interface OnnxNode {
  opType: string;
  name: string;
  inputs: string[];
  outputs: string[];
  /** Raw AttributeProto messages, passed through. */
  attributes: PbField[];
  domain?: string;
}

export interface OnnxTensor {
  name: string;
  dims: number[];
  dataType: number;
  /** Little-endian element bytes (raw_data form). */
  raw: Uint8Array;
}

export interface OnnxGraph {
  nodes: OnnxNode[];
  initializers: OnnxTensor[];
  /** Graph outputs as raw ValueInfoProto fields (a name-only entry is enough for extra outputs). */
  outputs: PbField[][];
  /** Model fields other than the graph and opset imports. */
  modelRest: PbField[];
  /** Graph fields other than nodes, initializers and outputs (inputs, name, value_info...). */
  graphRest: PbField[];
  /** Version of the default ('') operator set; other domains' imports are kept in `otherOpsets`. */
  opset: number;
  otherOpsets: PbField[][];
}

function tensorOf(t: PbField[]): OnnxTensor {
  const dims = getInts(t, TENSOR.dims).map(Number);
  const dataType = Number(getInt(t, TENSOR.dataType) ?? 0n);
  const name = getString(t, TENSOR.name) ?? '';
  const rawField = t.find((f) => f.field === TENSOR.rawData);
  if (rawField) return { name, dims, dataType, raw: rawField.value as Uint8Array };
  const count = dims.reduce((a, b) => a * b, 1);
  if (dataType === DTYPE.float) {
    // float_data: packed fixed32 values.
    const packed = t.find((f) => f.field === TENSOR.floatData);
    const bytes = packed ? (packed.value as Uint8Array) : new Uint8Array(0);
    if (bytes.length !== count * 4) throw new Error(`tensor ${name}: float_data size mismatch`);
    return { name, dims, dataType, raw: bytes };
  }
  if (dataType === DTYPE.int64) {
    const values = getInts(t, 7);
    const raw = new Uint8Array(values.length * 8);
    const view = new DataView(raw.buffer);
    values.forEach((v, i) => view.setBigInt64(i * 8, v, true));
    return { name, dims, dataType, raw };
  }
  throw new Error(`tensor ${name}: data type ${dataType} without raw_data is not supported`);
}

export function tensorFields(t: OnnxTensor): PbField[] {
  return [
    ...t.dims.map((d) => pb.int(TENSOR.dims, d)),
    pb.int(TENSOR.dataType, t.dataType),
    pb.str(TENSOR.name, t.name),
    pb.bytes(TENSOR.rawData, t.raw),
  ];
}

function nodeOf(n: PbField[]): OnnxNode {
  const domain = getString(n, NODE.domain);
  return {
    opType: getString(n, NODE.opType) ?? '',
    name: getString(n, NODE.name) ?? '',
    inputs: getStrings(n, NODE.input),
    outputs: getStrings(n, NODE.output),
    attributes: n.filter((f) => f.field === NODE.attribute),
    ...(domain ? { domain } : {}),
  };
}

function nodeFields(n: OnnxNode): PbField[] {
  return [
    ...n.inputs.map((s) => pb.str(NODE.input, s)),
    ...n.outputs.map((s) => pb.str(NODE.output, s)),
    pb.str(NODE.name, n.name),
    pb.str(NODE.opType, n.opType),
    ...n.attributes,
    ...(n.domain ? [pb.str(NODE.domain, n.domain)] : []),
  ];
}

/** An integer attribute (AttributeProto type INT = 2). */
export function intAttribute(name: string, value: number): PbField {
  return pb.msg(NODE.attribute, [
    pb.str(ATTR.name, name),
    pb.int(ATTR.i, value),
    pb.int(ATTR.type, 2),
  ]);
}

export function readOnnx(bytes: Uint8Array): OnnxGraph {
  const model = decodeMessage(bytes);
  const graph = getMessage(model, MODEL.graph);
  if (!graph) throw new Error('not an ONNX model: no graph');
  const opsets = getMessages(model, MODEL.opsetImport);
  const main = opsets.find((o) => (getString(o, OPSET.domain) ?? '') === '');
  return {
    nodes: getMessages(graph, GRAPH.node).map(nodeOf),
    initializers: getMessages(graph, GRAPH.initializer).map(tensorOf),
    outputs: getMessages(graph, GRAPH.output),
    graphRest: graph.filter(
      (f) => f.field !== GRAPH.node && f.field !== GRAPH.initializer && f.field !== GRAPH.output,
    ),
    modelRest: model.filter((f) => f.field !== MODEL.graph && f.field !== MODEL.opsetImport),
    opset: Number(main ? (getInt(main, OPSET.version) ?? 0n) : 0n),
    otherOpsets: opsets.filter((o) => o !== main),
  };
}

export function writeOnnx(g: OnnxGraph): Uint8Array {
  const graph: PbField[] = [
    ...g.nodes.map((n) => pb.msg(GRAPH.node, nodeFields(n))),
    ...g.initializers.map((t) => pb.msg(GRAPH.initializer, tensorFields(t))),
    ...g.graphRest,
    ...g.outputs.map((o) => pb.msg(GRAPH.output, o)),
  ];
  // ir_version first, as writers usually put it; the rest in their original order.
  const rest = g.modelRest.map((f) =>
    f.field === MODEL.irVersion && f.wire === WIRE.varint && (f.value as bigint) < 7n
      ? pb.int(MODEL.irVersion, 7)
      : f,
  );
  return encodeMessage([
    ...rest,
    pb.msg(MODEL.opsetImport, [pb.str(OPSET.domain, ''), pb.int(OPSET.version, g.opset)]),
    ...g.otherOpsets.map((o) => pb.msg(MODEL.opsetImport, o)),
    pb.msg(MODEL.graph, graph),
  ]);
}

/** A graph output entry with a name only (ONNX Runtime infers its type). */
export function outputNamed(name: string): PbField[] {
  return [pb.str(1, name)];
}

export function floatsOf(t: OnnxTensor): Float32Array {
  if (t.dataType !== DTYPE.float) throw new Error(`tensor ${t.name} is not float`);
  // A copy (new Uint8Array, not slice: a Node Buffer's slice is a view of the whole file).
  const copy = new Uint8Array(t.raw);
  return new Float32Array(copy.buffer, 0, copy.length / 4);
}

export function tensorFrom(
  name: string,
  dims: number[],
  data: Float32Array | Int8Array | Uint8Array | Int32Array,
): OnnxTensor {
  const dataType =
    data instanceof Float32Array
      ? DTYPE.float
      : data instanceof Int8Array
        ? DTYPE.int8
        : data instanceof Uint8Array
          ? DTYPE.uint8
          : DTYPE.int32;
  return {
    name,
    dims,
    dataType,
    raw: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
  };
}
