/**
 * Where the station's embedding model comes from: the shipped, catalog-pinned fr_feature.onnx,
 * or a site's own model named by a manifest (embedding-manifest.ts). A data folder records its
 * choice in `embedding-model.json` (written by `station model use`), so every host that opens
 * the folder (Electron, browser mode, CLI) runs the same model.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import { StationError } from '../../../shared/errors';
import { writeFileAtomic } from '../util/atomic-file';
import {
  BUILTIN_MANIFEST,
  embeddingSpaceOf,
  manifestError,
  manifestModelId,
  parseEmbeddingManifest,
  type EmbeddingManifest,
} from './embedding-manifest';
import { loadVerifiedModel, sha256Hex } from './model-verifier';

export interface EmbeddingModelSpec {
  manifest: EmbeddingManifest;
  /** The manifest file, or 'built-in'. */
  source: string;
  /** Stored in templates.model_id: the weights (bound into each template's encryption). */
  modelId: string;
  /** Stored in templates.embedding_space: the weights and how they are fed. */
  embeddingSpace: string;
}

export interface LoadedEmbeddingModel extends EmbeddingModelSpec {
  bytes: Uint8Array;
}

export const BUILTIN_SOURCE = 'built-in';

/** The shipped model; `order` feeds it another way (another space: the channel-order bench). */
export function builtinSpec(
  order: EmbeddingManifest['input']['channelOrder'] = BUILTIN_MANIFEST.input.channelOrder,
): EmbeddingModelSpec {
  const input = { ...BUILTIN_MANIFEST.input, channelOrder: order };
  return specOf({ ...BUILTIN_MANIFEST, input }, BUILTIN_SOURCE);
}

function specOf(manifest: EmbeddingManifest, source: string): EmbeddingModelSpec {
  return {
    manifest,
    source,
    modelId: manifestModelId(manifest),
    embeddingSpace: embeddingSpaceOf(manifest),
  };
}

/** Reads and validates a manifest file (not yet the model it names). */
export function readManifest(manifestPath: string): EmbeddingModelSpec {
  const path = resolve(manifestPath);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new StationError(
      'MODEL_MISSING',
      `Embedding model manifest ${path} cannot be read: ${err instanceof Error ? err.message : String(err)}.`,
    );
  }
  return specOf(parseEmbeddingManifest(text, path), path);
}

/** The model file a manifest names (relative to the manifest's folder). */
export function manifestModelPath(spec: EmbeddingModelSpec): string {
  const { file } = spec.manifest;
  return isAbsolute(file) ? file : join(dirname(spec.source), file);
}

/**
 * The model's bytes, only if they hash to the manifest's SHA-256 (MODEL_MISSING /
 * MODEL_TAMPERED otherwise). The built-in model goes through the pinned catalog.
 */
export function loadEmbeddingModel(
  spec: EmbeddingModelSpec,
  modelsDir: string,
): LoadedEmbeddingModel {
  if (spec.source === BUILTIN_SOURCE)
    return { ...spec, bytes: loadVerifiedModel(modelsDir, 'fr_feature.onnx') };
  const path = manifestModelPath(spec);
  if (!existsSync(path))
    throw new StationError(
      'MODEL_MISSING',
      `Embedding model ${path} (named by ${spec.source}) is missing.`,
    );
  const bytes = readFileSync(path);
  const actual = sha256Hex(bytes);
  if (actual !== spec.manifest.sha256) {
    throw new StationError(
      'MODEL_TAMPERED',
      `Embedding model ${path} does not match the SHA-256 in ${spec.source} (expected ` +
        `${spec.manifest.sha256}, found ${actual}); refusing to load it.`,
    );
  }
  return { ...spec, bytes };
}

const CHOICE_FILE = 'embedding-model.json';
const choiceSchema = z.object({ manifest: z.string().min(1) }).strict();

/** The data folder's model choice: its manifest's spec, or the built-in model's. */
export function chosenEmbeddingModel(dataDir: string): EmbeddingModelSpec {
  const file = join(dataDir, CHOICE_FILE);
  if (!existsSync(file)) return builtinSpec();
  let choice: z.infer<typeof choiceSchema>;
  try {
    choice = choiceSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  } catch (err) {
    throw manifestError(
      file,
      `cannot be read as a model choice (${err instanceof Error ? err.message : String(err)})`,
    );
  }
  return readManifest(choice.manifest);
}

/** Records the folder's model choice (null = the built-in model). Check the model loads first. */
export function recordEmbeddingModelChoice(dataDir: string, manifestPath: string | null): void {
  const file = join(dataDir, CHOICE_FILE);
  if (manifestPath === null) rmSync(file, { force: true });
  else writeFileAtomic(file, JSON.stringify({ manifest: resolve(manifestPath) }, null, 2), 0o644);
}
