/**
 * Reads the parts of a TFLite model (tensorflow/lite/schema/schema.fbs) that adding metadata
 * needs: the root Model table, its buffers and metadata entries, and the first subgraph's input
 * tensor. Field ids are the schema's declaration order.
 */
import { StationError } from '../../src/shared/errors';
import { FlatReader } from './flatbuffer-reader';

/** `table Model` field ids. Ids 1-7 are all references (vectors, a string). */
export const MODEL = { version: 0, subgraphs: 2, buffers: 4, metadata: 6 } as const;
/** Fields 0-7 (version .. signature_defs): all the Model fields this tool knows. */
export const MODEL_FIELD_COUNT = 8;
const SUBGRAPH = { tensors: 0, inputs: 1 } as const;
const TENSOR = { shape: 0, type: 1, name: 3 } as const;
export const BUFFER = { data: 0, offset: 1 } as const;
const METADATA = { name: 0, buffer: 1 } as const;

export const TFLITE_IDENTIFIER = 'TFL3';
/** The Model.metadata entry MediaPipe and the TFLite support library look for. */
export const METADATA_NAME = 'TFLITE_METADATA';

export interface InputTensor {
  name: string;
  shape: number[];
  /** schema.fbs TensorType: 0 float32, 3 uint8, 9 int8, ... */
  type: number;
}

export interface MetadataEntry {
  name: string | undefined;
  buffer: number;
  /** Position of the Metadata table in the model. */
  table: number;
}

export interface ModelTables {
  root: number;
  /** Positions of the Buffer tables, by buffer index. */
  buffers: number[];
  metadata: MetadataEntry[];
}

/** A reader over `model`, once its "TFL3" file identifier is checked. */
export function openModel(model: Uint8Array): FlatReader {
  if (!(model instanceof Uint8Array)) {
    throw new StationError(
      'MODEL_TAMPERED',
      'Not a TFLite model: expected the file bytes as a Uint8Array',
    );
  }
  const r = new FlatReader(model, 'TFLite model');
  const id = r.identifier();
  if (id !== TFLITE_IDENTIFIER) {
    const shown = JSON.stringify(id.replace(/[^\x20-\x7e]/g, '?'));
    throw new StationError(
      'MODEL_TAMPERED',
      `Not a TFLite model: file identifier is ${shown}, expected "${TFLITE_IDENTIFIER}" (${model.length} bytes)`,
    );
  }
  return r;
}

export function readModelTables(r: FlatReader): ModelTables {
  const root = r.root();
  const buffersVec = r.refField(root, MODEL.buffers);
  const metadataVec = r.refField(root, MODEL.metadata);
  const metadata = (metadataVec === undefined ? [] : r.tableVector(metadataVec)).map((t) => ({
    name: r.stringField(t, METADATA.name),
    buffer: r.u32Field(t, METADATA.buffer),
    table: t,
  }));
  return {
    root,
    buffers: buffersVec === undefined ? [] : r.tableVector(buffersVec),
    metadata,
  };
}

/** The single input of the first subgraph (MediaPipe's image tasks require exactly one). */
export function readInputTensor(r: FlatReader, root: number): InputTensor {
  const subgraphs = r.refField(root, MODEL.subgraphs);
  const first = subgraphs === undefined ? undefined : r.tableVector(subgraphs)[0];
  if (first === undefined) return r.fail('the model has no subgraph');
  const inputsVec = r.refField(first, SUBGRAPH.inputs);
  const inputs = inputsVec === undefined ? [] : r.i32Vector(inputsVec);
  const tensorsVec = r.refField(first, SUBGRAPH.tensors);
  const tensors = tensorsVec === undefined ? [] : r.tableVector(tensorsVec);
  if (inputs.length !== 1) {
    throw new StationError(
      'MODEL_TAMPERED',
      `Expected a model with one input (an image), found ${inputs.length} inputs`,
    );
  }
  const tensor = tensors[inputs[0] ?? -1];
  if (tensor === undefined) {
    return r.fail(`input tensor index ${String(inputs[0])} is out of range`);
  }
  const shapeVec = r.refField(tensor, TENSOR.shape);
  return {
    name: r.stringField(tensor, TENSOR.name) ?? '',
    shape: shapeVec === undefined ? [] : r.i32Vector(shapeVec),
    type: r.u8Field(tensor, TENSOR.type),
  };
}

/**
 * The "TFLITE_METADATA" entry, if any, with the bytes of the buffer it points at (undefined
 * when that buffer holds no data).
 */
export function findTfliteMetadata(
  r: FlatReader,
  tables: ModelTables,
): { entry: MetadataEntry; bytes: Uint8Array | undefined } | undefined {
  const entry = tables.metadata.find((m) => m.name === METADATA_NAME);
  if (!entry) return undefined;
  const buffer = tables.buffers[entry.buffer];
  if (buffer === undefined) {
    return r.fail(
      `"${METADATA_NAME}" refers to buffer ${entry.buffer} of ${tables.buffers.length}`,
    );
  }
  const data = r.refField(buffer, BUFFER.data);
  return { entry, bytes: data === undefined ? undefined : r.byteVector(data) };
}
