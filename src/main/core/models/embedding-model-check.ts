/**
 * Checks an embedding manifest against what the ONNX model really takes and gives: a manifest
 * written for another model (or with a typo) is refused at load, naming the mismatch, instead
 * of producing vectors that silently compare as nonsense.
 */
import type { EmbeddingManifest } from './embedding-manifest';
import { manifestError } from './embedding-manifest';

/** One model input or output as ONNX Runtime reports it (symbolic dims are strings). */
export interface TensorInfo {
  name: string;
  /** 'float32', ...; undefined for non-tensor values. */
  type?: string | undefined;
  shape: readonly (number | string)[];
}

export interface ModelInterface {
  inputs: readonly TensorInfo[];
  outputs: readonly TensorInfo[];
}

/** The input and output the station will use, and whether the output size is fixed in the graph. */
export interface CheckedInterface {
  inputName: string;
  outputName: string;
  /** False when a dimension is symbolic: a trial inference must confirm the size. */
  outputSizeKnown: boolean;
}

const shapeText = (s: readonly (number | string)[]): string =>
  s.length ? s.map(String).join('x') : '(no shape)';

function pick(
  list: readonly TensorInfo[],
  wanted: string | undefined,
  what: 'input' | 'output',
  source: string,
): TensorInfo {
  const names = list.map((t) => `'${t.name}'`).join(', ');
  if (wanted !== undefined) {
    const found = list.find((t) => t.name === wanted);
    if (!found)
      throw manifestError(
        source,
        `names ${what} '${wanted}', but the model's ${what}s are ${names}`,
      );
    return found;
  }
  if (what === 'input' && list.length !== 1)
    throw manifestError(source, `names no input, and the model has ${list.length} (${names})`);
  const first = list[0];
  if (!first) throw manifestError(source, `describes a model with no ${what}`);
  return first;
}

/** @throws StationError MODEL_MANIFEST_INVALID naming the first mismatch. */
export function checkModelInterface(
  m: EmbeddingManifest,
  model: ModelInterface,
  source: string,
): CheckedInterface {
  const input = pick(model.inputs, m.input.name, 'input', source);
  const output = pick(model.outputs, m.output.name, 'output', source);
  const size = m.input.size;
  const inShape = input.shape;
  if (input.type !== 'float32')
    throw manifestError(
      source,
      `is fed float32 pixels, but input '${input.name}' takes ${String(input.type)}`,
    );
  const [, channels, height, width] = inShape;
  const fits = (d: number | string | undefined, want: number): boolean =>
    typeof d === 'string' || d === want;
  if (inShape.length !== 4 || !fits(channels, 3) || !fits(height, size) || !fits(width, size)) {
    throw manifestError(
      source,
      `says input ${size}x${size} RGB (Nx3x${size}x${size}), but the model's input '${input.name}' ` +
        `is ${shapeText(inShape)}`,
    );
  }
  if (output.type !== 'float32')
    throw manifestError(
      source,
      `expects float32 embeddings, but output '${output.name}' is ${String(output.type)}`,
    );
  const perFace = output.shape.slice(1);
  const outputSizeKnown = perFace.every((d) => typeof d === 'number');
  const length = perFace.reduce<number>((a, d) => a * (typeof d === 'number' ? d : 1), 1);
  if (output.shape.length < 2 || (outputSizeKnown && length !== m.output.size)) {
    throw manifestError(
      source,
      `says the embedding has ${m.output.size} values, but the model's output '${output.name}' is ` +
        `${shapeText(output.shape)} (${outputSizeKnown ? length : 'unknown'} per face)`,
    );
  }
  return { inputName: input.name, outputName: output.name, outputSizeKnown };
}

/**
 * Checks a trial embedding (of a mid-grey face): the length the manifest promised, finite
 * values, not all zero. Catches what static shapes cannot (symbolic dimensions).
 */
export function checkTrialOutput(m: EmbeddingManifest, output: Float32Array, source: string): void {
  if (output.length !== m.output.size) {
    throw manifestError(
      source,
      `says the embedding has ${m.output.size} values, but the model returned ${output.length}`,
    );
  }
  let norm = 0;
  for (const v of output) {
    if (!Number.isFinite(v))
      throw manifestError(source, 'describes a model whose output is not finite');
    norm += v * v;
  }
  if (norm === 0) throw manifestError(source, 'describes a model whose output is all zeros');
}
