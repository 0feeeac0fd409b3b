/**
 * A site's own face-embedding model: an ONNX file plus a manifest saying how to feed it and
 * what it gives back, so the station can run it without code changes (MODELS.md, "Bringing
 * your own embedding model"). The manifest is checked twice: here for its own sense, and at
 * load against the model's real input and output shapes (embedding-model-check.ts).
 *
 * Every template records the embedding space it was made in (templates.embedding_space): the
 * model's bytes and everything that shapes its output (input size, channel order,
 * normalisation, output size). Templates of another space are never compared with this one.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { StationError } from '../../../shared/errors';

/** The station's face alignment: five points onto the ArcFace 112 x 112 template. */
export const ALIGNED_FACE_SIZE = 112;

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 as 64 lowercase hex digits');

export const embeddingManifestSchema = z
  .object({
    format: z.literal('station-embedding-model/1'),
    /** Short name, used in the model id and messages ([a-z0-9_-]). */
    name: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'lowercase letters, digits, _ and -'),
    /** The ONNX file, relative to the manifest's folder (or absolute). */
    file: z.string().min(1).max(4096),
    sha256: sha256Hex,
    /** Who holds the rights and under which terms the site uses the weights. Required. */
    licence: z.string().trim().min(3).max(2000),
    input: z
      .object({
        /** Defaults to the model's only input. */
        name: z.string().min(1).max(256).optional(),
        /** Side of the square face crop the model takes (NCHW, 3 channels). */
        size: z.number().int().min(16).max(1024),
        /** Which image channel goes into input plane 0. */
        channelOrder: z.enum(['rgb', 'bgr']),
        /** Pixel values 0..255 are fed as (value - mean) / std. */
        mean: z.number().finite().min(0).max(255),
        std: z.number().finite().positive().max(255),
      })
      .strict(),
    output: z
      .object({
        /** Defaults to the model's only (or first) output. */
        name: z.string().min(1).max(256).optional(),
        /** Length of the embedding vector. */
        size: z.number().int().min(16).max(8192),
      })
      .strict(),
    /** How faces are aligned before embedding: the only alignment the station makes. */
    alignment: z.literal('arcface-112'),
  })
  .strict();

export type EmbeddingManifest = z.infer<typeof embeddingManifestSchema>;

/** The manifest of the shipped model, as the station has always fed it (onnx-embedder.ts). */
export const BUILTIN_MANIFEST: EmbeddingManifest = {
  format: 'station-embedding-model/1',
  name: 'fr_feature',
  file: 'fr_feature.onnx',
  sha256: '87aacdfe57510db2af90c0251df680e8eec88f122ee94712121d09bcaaaf3581',
  licence:
    'faceplugin-face-recognition-js@0.0.1 states MIT; provenance of the weights undocumented (MODELS.md)',
  input: { name: 'input', size: 112, channelOrder: 'bgr', mean: 127, std: 128 },
  output: { name: 'output', size: 512 },
  alignment: 'arcface-112',
};

/** '<name>@<first 12 hex of the file's SHA-256>', as for every model (onnx-session modelIdOf). */
export function manifestModelId(m: EmbeddingManifest): string {
  return `${m.name}@${m.sha256.slice(0, 12)}`;
}

/** Digest of what makes two embeddings comparable: the weights and how they are fed. */
function spaceDigest(m: EmbeddingManifest): string {
  const { sha256, input, output, alignment } = m;
  const canonical = JSON.stringify([
    sha256,
    input.size,
    input.channelOrder,
    input.mean,
    input.std,
    output.size,
    alignment,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

/**
 * The embedding space a manifest defines, from what shapes the vectors only (not the
 * manifest's name or file path): 'onnx@<12 hex of the weights' SHA-256>/<8 hex of the
 * feeding digest>'. The shipped model fed the shipped way keeps the id its templates always
 * carried (its model id), so templates from before spaces existed stay searchable.
 */
export function embeddingSpaceOf(m: EmbeddingManifest): string {
  const digest = spaceDigest(m);
  if (digest === spaceDigest(BUILTIN_MANIFEST)) return manifestModelId(BUILTIN_MANIFEST);
  return `onnx@${m.sha256.slice(0, 12)}/${digest.slice(0, 8)}`;
}

/** Parses manifest JSON text; every problem is named (field path and what is wrong). */
export function parseEmbeddingManifest(text: string, source: string): EmbeddingManifest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw manifestError(
      source,
      `is not JSON (${err instanceof Error ? err.message : String(err)})`,
    );
  }
  const parsed = embeddingManifestSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (i) => `${i.path.join('.') || '(root)'}: ${i.message}`,
    );
    throw manifestError(source, `is not a valid manifest: ${problems.join('; ')}`);
  }
  if (parsed.data.input.size !== ALIGNED_FACE_SIZE) {
    throw manifestError(
      source,
      `asks for ${parsed.data.input.size}x${parsed.data.input.size} faces; the station aligns ` +
        `faces to ${ALIGNED_FACE_SIZE}x${ALIGNED_FACE_SIZE} (arcface-112) only`,
    );
  }
  return parsed.data;
}

export function manifestError(source: string, problem: string): StationError {
  return new StationError(
    'MODEL_MANIFEST_INVALID',
    `Embedding model manifest ${source} ${problem}.`,
  );
}
