/**
 * Writes an ONNX model (onnx/onnx.proto, proto2) with a hand-rolled protobuf encoder: enough for
 * float32 graphs of standard operators with float32 initializers. Field numbers below are
 * onnx.proto's. The output depends only on the input (no timestamps, fields in a fixed order),
 * so a converted model can be pinned by SHA-256.
 */

const WIRE_VARINT = 0;
const WIRE_LEN = 2;
const WIRE_I32 = 5;
const FLOAT = 1; // TensorProto.DataType.FLOAT
const ATTR_TYPE = { float: 1, int: 2, string: 3, ints: 7 } as const;

const MODEL = {
  irVersion: 1,
  producerName: 2,
  producerVersion: 3,
  docString: 6,
  graph: 7,
  opset: 8,
};
const OPSET = { domain: 1, version: 2 };
const GRAPH = { node: 1, name: 2, initializer: 5, docString: 10, input: 11, output: 12 };
const NODE = { input: 1, output: 2, name: 3, opType: 4, attribute: 5 };
const ATTR = { name: 1, f: 2, i: 3, s: 4, ints: 8, type: 20 };
const TENSOR = { dims: 1, dataType: 2, name: 8, rawData: 9 };
const VALUE_INFO = { name: 1, type: 2 };
const TYPE = { tensorType: 1 };
const TENSOR_TYPE = { elemType: 1, shape: 2 };
const SHAPE = { dim: 1 };
const DIM = { value: 1, param: 2 };

export type OnnxAttribute =
  | { name: string; int: number }
  | { name: string; ints: readonly number[] }
  | { name: string; float: number }
  | { name: string; string: string };

export interface OnnxNode {
  opType: string;
  name: string;
  inputs: readonly string[];
  outputs: readonly string[];
  attributes?: readonly OnnxAttribute[];
}

export interface OnnxInitializer {
  name: string;
  dims: readonly number[];
  data: Float32Array;
}

/** A float32 graph input or output; a string dimension is a named free size ("height"). */
export interface OnnxValue {
  name: string;
  dims: readonly (number | string)[];
}

export interface OnnxModel {
  irVersion: number;
  opsetVersion: number;
  producerName: string;
  producerVersion: string;
  graphName: string;
  docString: string;
  nodes: readonly OnnxNode[];
  initializers: readonly OnnxInitializer[];
  inputs: readonly OnnxValue[];
  outputs: readonly OnnxValue[];
}

const UTF8 = new TextEncoder();

/** One protobuf message under construction: fields appended in the order written. */
class ProtoMessage {
  private readonly chunks: Uint8Array[] = [];
  private size = 0;

  private push(bytes: Uint8Array): void {
    this.chunks.push(bytes);
    this.size += bytes.length;
  }

  private key(field: number, wire: number): void {
    this.push(varint(BigInt((field << 3) | wire)));
  }

  int(field: number, value: number): this {
    if (!Number.isSafeInteger(value))
      throw new RangeError(`protobuf int ${value} is not an integer`);
    this.key(field, WIRE_VARINT);
    // int64 negatives are ten-byte two's complement varints.
    this.push(varint(BigInt.asUintN(64, BigInt(value))));
    return this;
  }

  float(field: number, value: number): this {
    this.key(field, WIRE_I32);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    this.push(b);
    return this;
  }

  bytes(field: number, value: Uint8Array): this {
    this.key(field, WIRE_LEN);
    this.push(varint(BigInt(value.length)));
    this.push(value);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, UTF8.encode(value));
  }

  message(field: number, value: ProtoMessage): this {
    return this.bytes(field, value.finish());
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.size);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}

function varint(value: bigint): Uint8Array {
  const out: number[] = [];
  let v = value;
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) byte |= 0x80;
    out.push(byte);
  } while (v > 0n);
  return Uint8Array.from(out);
}

function attribute(a: OnnxAttribute): ProtoMessage {
  const m = new ProtoMessage().string(ATTR.name, a.name);
  if ('int' in a) return m.int(ATTR.i, a.int).int(ATTR.type, ATTR_TYPE.int);
  if ('float' in a) return m.float(ATTR.f, a.float).int(ATTR.type, ATTR_TYPE.float);
  if ('string' in a) return m.string(ATTR.s, a.string).int(ATTR.type, ATTR_TYPE.string);
  for (const v of a.ints) m.int(ATTR.ints, v);
  return m.int(ATTR.type, ATTR_TYPE.ints);
}

function node(n: OnnxNode): ProtoMessage {
  const m = new ProtoMessage();
  for (const i of n.inputs) m.string(NODE.input, i);
  for (const o of n.outputs) m.string(NODE.output, o);
  m.string(NODE.name, n.name).string(NODE.opType, n.opType);
  for (const a of n.attributes ?? []) m.message(NODE.attribute, attribute(a));
  return m;
}

function initializer(t: OnnxInitializer): ProtoMessage {
  const count = t.dims.reduce((a, b) => a * b, 1);
  if (count !== t.data.length)
    throw new RangeError(
      `initializer ${t.name}: dims ${t.dims.join('x')} but ${t.data.length} values`,
    );
  const m = new ProtoMessage();
  for (const d of t.dims) m.int(TENSOR.dims, d);
  m.int(TENSOR.dataType, FLOAT).string(TENSOR.name, t.name);
  // raw_data is little-endian; copy so a view into a larger buffer writes only its own bytes.
  const raw = new Uint8Array(t.data.length * 4);
  const view = new DataView(raw.buffer);
  t.data.forEach((v, i) => view.setFloat32(4 * i, v, true));
  return m.bytes(TENSOR.rawData, raw);
}

function valueInfo(v: OnnxValue): ProtoMessage {
  const shape = new ProtoMessage();
  for (const d of v.dims) {
    const dim = new ProtoMessage();
    if (typeof d === 'number') dim.int(DIM.value, d);
    else dim.string(DIM.param, d);
    shape.message(SHAPE.dim, dim);
  }
  const tensorType = new ProtoMessage()
    .int(TENSOR_TYPE.elemType, FLOAT)
    .message(TENSOR_TYPE.shape, shape);
  const type = new ProtoMessage().message(TYPE.tensorType, tensorType);
  return new ProtoMessage().string(VALUE_INFO.name, v.name).message(VALUE_INFO.type, type);
}

export function encodeOnnxModel(model: OnnxModel): Uint8Array {
  const graph = new ProtoMessage();
  for (const n of model.nodes) graph.message(GRAPH.node, node(n));
  graph.string(GRAPH.name, model.graphName);
  for (const t of model.initializers) graph.message(GRAPH.initializer, initializer(t));
  graph.string(GRAPH.docString, model.docString);
  for (const v of model.inputs) graph.message(GRAPH.input, valueInfo(v));
  for (const v of model.outputs) graph.message(GRAPH.output, valueInfo(v));
  return new ProtoMessage()
    .int(MODEL.irVersion, model.irVersion)
    .string(MODEL.producerName, model.producerName)
    .string(MODEL.producerVersion, model.producerVersion)
    .string(MODEL.docString, model.docString)
    .message(MODEL.graph, graph)
    .message(
      MODEL.opset,
      new ProtoMessage().string(OPSET.domain, '').int(OPSET.version, model.opsetVersion),
    )
    .finish();
}
