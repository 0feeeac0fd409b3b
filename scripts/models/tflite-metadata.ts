/**
 * Adds TFLite model metadata for an image input to a model that has none, so MediaPipe Tasks
 * (tasks-vision FaceDetector) accepts it. The BlazeFace models of the legacy
 * `@mediapipe/face_detection` package take a float32 image and carry no metadata; MediaPipe Tasks
 * then refuses them ("requires specifying NormalizationOptions metadata").
 *
 * How: instead of re-serialising the whole model (which would need the full TFLite schema, with
 * its ~150 operator option tables), we write a new root Model table *in front of* the untouched
 * old bytes. FlatBuffers references are relative, so the old body stays valid when it moves by a
 * multiple of 16 bytes (the largest alignment TFLite uses, for Buffer.data). The new root copies
 * the old root's references, and gets new `buffers` and `metadata` vectors that add one Buffer
 * (holding a ModelMetadata flatbuffer, identifier "M001") and one Metadata entry
 * "TFLITE_METADATA" pointing at it. The old root table is left behind, unreferenced.
 *
 * Schemas: tensorflow/lite/schema/schema.fbs (read in tflite-model-reader.ts) and
 * mediapipe/tasks/metadata/metadata_schema.fbs (ModelMetadata and friends, field ids below).
 */
import { StationError } from '../../src/shared/errors';
import { FlatReader } from './flatbuffer-reader';
import {
  encodeFlatbuffer,
  ref,
  resolveExternals,
  str,
  table,
  u32,
  u8,
  type FbField,
  type FbNode,
} from './flatbuffer-writer';
import {
  BUFFER,
  MODEL,
  MODEL_FIELD_COUNT,
  METADATA_NAME,
  TFLITE_IDENTIFIER,
  findTfliteMetadata,
  openModel,
  readInputTensor,
  readModelTables,
  type InputTensor,
  type ModelTables,
} from './tflite-model-reader';

/** metadata_schema.fbs field ids (a union takes two ids: its type byte, then its value). */
const MODEL_METADATA = {
  name: 0,
  description: 1,
  subgraphMetadata: 3,
  minParserVersion: 7,
} as const;
const SUBGRAPH_METADATA = { inputTensorMetadata: 2 } as const;
const TENSOR_METADATA = { name: 0, content: 3, processUnits: 4 } as const;
const CONTENT = { propertiesType: 0, properties: 1 } as const;
const IMAGE_PROPERTIES = { colorSpace: 0, defaultSize: 1 } as const;
const PROCESS_UNIT = { optionsType: 0, options: 1 } as const;
const NORMALIZATION = { mean: 0, std: 1 } as const;
const CONTENT_IMAGE_PROPERTIES = 2; // union ContentProperties: Feature=1, Image=2, BoundingBox=3
const PROCESS_UNIT_NORMALIZATION = 1; // union ProcessUnitOptions: NormalizationOptions=1
const COLOR_SPACES = ['UNKNOWN', 'RGB', 'GRAYSCALE'] as const;
const TENSOR_TYPES: Record<number, string> = { 0: 'float32', 3: 'uint8', 9: 'int8' };

const METADATA_IDENTIFIER = 'M001';
/** Every field we write exists since metadata schema 1.0.0, the oldest parser version. */
const MIN_PARSER_VERSION = '1.0.0';
/** TFLite aligns Buffer.data to 16 bytes; moving the old body by a multiple keeps that true. */
const BODY_ALIGN = 16;

export type ColorSpace = (typeof COLOR_SPACES)[number];

export interface ImageInputMetadataOptions {
  /** Per-channel mean subtracted from 0..255 pixels; default 127.5 (maps to [-1, 1]). */
  mean?: number;
  /** Divisor after subtracting the mean; default 127.5. */
  std?: number;
  /** ModelMetadata.name (free text, e.g. "BlazeFace short range"); omitted when not given. */
  name?: string;
}

export interface ImageInputMetadata {
  modelName: string | null;
  /** TensorMetadata.name of the image input (we write the model's input tensor name). */
  tensorName: string | null;
  colorSpace: ColorSpace;
  mean: number[];
  std: number[];
  /** ImageProperties.default_size, when present. */
  width: number | null;
  height: number | null;
  minParserVersion: string | null;
}

/** Refuses models this shifting approach would corrupt. */
function assertShiftable(r: FlatReader, tables: ModelTables): void {
  for (let id = MODEL_FIELD_COUNT; id < r.fieldSlots(tables.root); id++) {
    if (r.field(tables.root, id) !== undefined) {
      throw new StationError(
        'MODEL_TAMPERED',
        `TFLite Model field ${id} is newer than this tool knows; not rewriting`,
      );
    }
  }
  // Buffer.offset is an absolute file position (models > 2 GB keep weights outside the
  // flatbuffer); moving the body would break it.
  if (tables.buffers.some((b) => r.u64Field(b, BUFFER.offset) > 1n)) {
    throw new StationError(
      'MODEL_TAMPERED',
      'Model stores tensor data outside the flatbuffer; not supported',
    );
  }
}

function assertImageInput(input: InputTensor): void {
  const [batch, height, width, channels] = input.shape;
  if (
    input.shape.length !== 4 ||
    batch !== 1 ||
    channels !== 3 ||
    !(height! > 0) ||
    !(width! > 0)
  ) {
    throw new StationError(
      'MODEL_TAMPERED',
      `Input tensor "${input.name}" has shape [${input.shape.join(', ')}], expected an RGB image [1, H, W, 3]`,
    );
  }
  if (!(input.type in TENSOR_TYPES)) {
    throw new StationError(
      'MODEL_TAMPERED',
      `Input tensor "${input.name}" has TFLite type ${input.type}, not an image type`,
    );
  }
}

function checkedOption(
  value: number | undefined,
  fallback: number,
  what: string,
  positive: boolean,
): number {
  const v = value ?? fallback;
  if (!Number.isFinite(v) || (positive && v <= 0)) {
    throw new StationError(
      'BAD_REQUEST',
      `${what} must be a finite number${positive ? ' > 0' : ''}, got ${v}`,
    );
  }
  return v;
}

/** The ModelMetadata flatbuffer ("M001") describing one RGB image input. */
function encodeImageMetadata(
  input: InputTensor,
  mean: number,
  std: number,
  name?: string,
): Uint8Array {
  const imageProperties = table([
    u8(1), // ColorSpaceType.RGB
    ref(table([u32(input.shape[2] ?? 0), u32(input.shape[1] ?? 0)])), // ImageSize {width, height}
  ]);
  const normalization = table([
    ref({ kind: 'f32-vector', values: [mean] }),
    ref({ kind: 'f32-vector', values: [std] }),
  ]);
  const tensorMetadata: (FbField | undefined)[] = [];
  tensorMetadata[TENSOR_METADATA.name] = ref(str(input.name));
  tensorMetadata[TENSOR_METADATA.content] = ref(
    table([u8(CONTENT_IMAGE_PROPERTIES), ref(imageProperties)]),
  );
  tensorMetadata[TENSOR_METADATA.processUnits] = ref({
    kind: 'ref-vector',
    items: [table([u8(PROCESS_UNIT_NORMALIZATION), ref(normalization)])],
  });
  const subgraph: (FbField | undefined)[] = [];
  subgraph[SUBGRAPH_METADATA.inputTensorMetadata] = ref({
    kind: 'ref-vector',
    items: [table(tensorMetadata)],
  });
  const modelMetadata: (FbField | undefined)[] = [];
  if (name !== undefined) modelMetadata[MODEL_METADATA.name] = ref(str(name));
  modelMetadata[MODEL_METADATA.description] = ref(
    str(
      'Image input metadata (RGB, NormalizationOptions) added so MediaPipe Tasks can load this model.',
    ),
  );
  modelMetadata[MODEL_METADATA.subgraphMetadata] = ref({
    kind: 'ref-vector',
    items: [table(subgraph)],
  });
  modelMetadata[MODEL_METADATA.minParserVersion] = ref(str(MIN_PARSER_VERSION));
  return encodeFlatbuffer(table(modelMetadata), METADATA_IDENTIFIER).bytes;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** New root Model table: the old references, plus buffers/metadata vectors with our entry. */
function newRootTable(r: FlatReader, tables: ModelTables, metadata: Uint8Array): FbNode {
  const existing = tables.metadata.findIndex((m) => m.name === METADATA_NAME);
  const bufferIndex = existing >= 0 ? tables.metadata[existing]!.buffer : tables.buffers.length;
  const buffers: FbNode[] = tables.buffers.map((position) => ({ kind: 'external', position }));
  buffers[bufferIndex] = table([ref({ kind: 'u8-vector', data: metadata, align: BODY_ALIGN })]);
  const entries: FbNode[] = tables.metadata.map((m) => ({ kind: 'external', position: m.table }));
  const entry = table([ref(str(METADATA_NAME)), u32(bufferIndex)]);
  if (existing >= 0) entries[existing] = entry;
  else entries.push(entry);

  const fields: (FbField | undefined)[] = [];
  for (let id = 0; id < MODEL_FIELD_COUNT; id++) {
    const at = r.field(tables.root, id);
    if (at === undefined) continue;
    fields[id] =
      id === MODEL.version ? u32(r.u32(at)) : ref({ kind: 'external', position: r.deref(at) });
  }
  fields[MODEL.buffers] = ref({ kind: 'ref-vector', items: buffers });
  fields[MODEL.metadata] = ref({ kind: 'ref-vector', items: entries });
  return table(fields);
}

/**
 * Returns a copy of the TFLite `model` whose "TFLITE_METADATA" describes its single input as an
 * RGB image normalised by `(pixel - mean) / std` (defaults 127.5 / 127.5, i.e. [-1, 1] as
 * BlazeFace expects). Pure and deterministic: the same input and options give the same bytes.
 * If the model already carries metadata, it is replaced; if it already carries exactly this
 * metadata, an unchanged copy is returned (so applying it twice changes nothing).
 * @throws StationError MODEL_TAMPERED when `model` is not a TFLite flatbuffer ("TFL3"), is
 *   malformed, or has no single [1, H, W, 3] input; BAD_REQUEST for a bad mean/std.
 */
export function addImageInputMetadata(
  model: Uint8Array,
  opts: ImageInputMetadataOptions = {},
): Uint8Array {
  const mean = checkedOption(opts.mean, 127.5, 'mean', false);
  const std = checkedOption(opts.std, 127.5, 'std', true);
  const r = openModel(model);
  const tables = readModelTables(r);
  assertShiftable(r, tables);
  const input = readInputTensor(r, tables.root);
  assertImageInput(input);

  const metadata = encodeImageMetadata(input, mean, std, opts.name);
  const current = findTfliteMetadata(r, tables)?.bytes;
  if (current && sameBytes(current, metadata)) return model.slice();

  const head = encodeFlatbuffer(newRootTable(r, tables, metadata), TFLITE_IDENTIFIER, BODY_ALIGN);
  const out = new Uint8Array(head.bytes.length + model.length);
  out.set(head.bytes, 0);
  out.set(model, head.bytes.length);
  resolveExternals(out, head.externals, head.bytes.length);
  return out;
}

/**
 * Alias kept for scripts/models/derived-models.ts, which looks the transform up by this name.
 * Same function, default options.
 */
export const addImageMetadata = (model: Uint8Array): Uint8Array => addImageInputMetadata(model);

function parseImageMetadata(bytes: Uint8Array): ImageInputMetadata {
  const r = new FlatReader(bytes, 'TFLite metadata');
  if (r.identifier() !== METADATA_IDENTIFIER)
    r.fail(`identifier "${r.identifier()}", expected "${METADATA_IDENTIFIER}"`);
  const root = r.root();
  const subgraphs = r.refField(root, MODEL_METADATA.subgraphMetadata);
  const subgraph = subgraphs === undefined ? undefined : r.tableVector(subgraphs)[0];
  const inputs =
    subgraph === undefined
      ? undefined
      : r.refField(subgraph, SUBGRAPH_METADATA.inputTensorMetadata);
  const tensor = inputs === undefined ? undefined : r.tableVector(inputs)[0];
  const result: ImageInputMetadata = {
    modelName: r.stringField(root, MODEL_METADATA.name) ?? null,
    tensorName: null,
    colorSpace: 'UNKNOWN',
    mean: [],
    std: [],
    width: null,
    height: null,
    minParserVersion: r.stringField(root, MODEL_METADATA.minParserVersion) ?? null,
  };
  if (tensor === undefined) return result;
  result.tensorName = r.stringField(tensor, TENSOR_METADATA.name) ?? null;
  const content = r.refField(tensor, TENSOR_METADATA.content);
  if (
    content !== undefined &&
    r.u8Field(content, CONTENT.propertiesType) === CONTENT_IMAGE_PROPERTIES
  ) {
    const image = r.refField(content, CONTENT.properties);
    if (image !== undefined) {
      result.colorSpace = COLOR_SPACES[r.u8Field(image, IMAGE_PROPERTIES.colorSpace)] ?? 'UNKNOWN';
      const size = r.refField(image, IMAGE_PROPERTIES.defaultSize);
      if (size !== undefined)
        [result.width, result.height] = [r.u32Field(size, 0), r.u32Field(size, 1)];
    }
  }
  const units = r.refField(tensor, TENSOR_METADATA.processUnits);
  for (const unit of units === undefined ? [] : r.tableVector(units)) {
    if (r.u8Field(unit, PROCESS_UNIT.optionsType) !== PROCESS_UNIT_NORMALIZATION) continue;
    const options = r.refField(unit, PROCESS_UNIT.options);
    const mean = options === undefined ? undefined : r.refField(options, NORMALIZATION.mean);
    const std = options === undefined ? undefined : r.refField(options, NORMALIZATION.std);
    result.mean = mean === undefined ? [] : r.f32Vector(mean);
    result.std = std === undefined ? [] : r.f32Vector(std);
    break;
  }
  return result;
}

/**
 * Reads back the image-input part of a model's "TFLITE_METADATA" (null when the model has none).
 * @throws StationError MODEL_TAMPERED when `model` is not a TFLite flatbuffer or is malformed.
 */
export function readImageInputMetadata(model: Uint8Array): ImageInputMetadata | null {
  const r = openModel(model);
  const found = findTfliteMetadata(r, readModelTables(r));
  if (!found) return null;
  if (!found.bytes) return r.fail(`"${METADATA_NAME}" points at an empty buffer`);
  return parseImageMetadata(found.bytes);
}
