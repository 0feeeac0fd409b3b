/**
 * The face-like gallery of bench/index-backends.ts, for other benches that need the same data:
 * the generator of bench/lib/face-like-gallery.ts fitted to the real LFW + CelebA embeddings and
 * calibrated against the real gallery's similarity statistics, then N embeddings (5 per
 * identity) plus probes drawn around random gallery identities.
 *
 * It must stay draw-for-draw identical to index-backends.ts (same fit, same calibration target:
 * the real gallery minus one held-out probe per identity, same seeds), because both share one
 * disk cache (bench/lib/face-like-cache.ts) keyed by size, probe count and the fitted model's
 * digest: a different procedure under the same key would hand one bench the other's data.
 */
import {
  type LabelledEmbeddings,
  embedFaceImages,
  listFaceImages,
} from '../../tests/support/face-embeddings';
import { type FaceLikeGallery, cachedFaceLikeGallery } from './face-like-cache';
import {
  type FaceModel,
  calibrate,
  drawAround,
  fitFaceModel,
  rng,
  similarityStats,
  synthesise,
} from './face-like-gallery';

export const PER_IDENTITY = 5;

export interface FittedFaceModel {
  model: FaceModel;
  /** The embedding model the real embeddings came from (the station's fr_feature id). */
  modelId: string;
}

/**
 * The real LFW + CelebA embeddings (cached outside the repo), split into a gallery and one
 * held-out probe per identity that has another image left in the gallery.
 */
export interface RealSplit {
  real: LabelledEmbeddings;
  /** Dense identity number of every embedding. */
  ids: number[];
  identities: number;
  galleryRows: number[];
  probeRows: number[];
}

export async function realSplit(log: (l: string) => void): Promise<RealSplit> {
  const images = [...listFaceImages('lfw'), ...listFaceImages('celeba')];
  const real = await embedFaceImages(images, { log });
  const idOf = new Map<string, number>();
  const ids = real.images.map((img) => {
    if (!idOf.has(img.identity)) idOf.set(img.identity, idOf.size);
    return idOf.get(img.identity)!;
  });
  const count = new Map<number, number>();
  for (const id of ids) count.set(id, (count.get(id) ?? 0) + 1);
  const seen = new Set<number>();
  const galleryRows: number[] = [];
  const probeRows: number[] = [];
  ids.forEach((id, i) => {
    if ((count.get(id) ?? 0) >= 2 && !seen.has(id)) {
      seen.add(id);
      probeRows.push(i);
    } else galleryRows.push(i);
  });
  return { real, ids, identities: idOf.size, galleryRows, probeRows };
}

/** Rows `list` of `vectors` (dim d), copied into one array. */
export function pickRows(vectors: Float32Array, d: number, list: readonly number[]): Float32Array {
  const out = new Float32Array(list.length * d);
  list.forEach((row, i) => out.set(vectors.subarray(row * d, (row + 1) * d), i * d));
  return out;
}

/**
 * Fits and calibrates the generator on the real embeddings. Calibration target: the
 * similarity statistics of the real gallery of `realSplit`.
 */
export async function fittedFaceModel(
  log: (l: string) => void,
  split?: RealSplit,
): Promise<FittedFaceModel> {
  const { real, ids, galleryRows } = split ?? (await realSplit(log));
  const target = similarityStats(
    pickRows(real.vectors, real.dim, galleryRows),
    galleryRows.map((r) => ids[r]!),
    real.dim,
  );
  return { model: calibrate(fitFaceModel(real), target), modelId: real.modelId };
}

function synthesiseGallery(model: FaceModel, n: number, queries: number): FaceLikeGallery {
  const identities = Math.ceil(n / PER_IDENTITY);
  const { vectors, centres } = synthesise(model, identities, PER_IDENTITY, n);
  const rand = rng(n + 1);
  const z = new Float64Array(model.d);
  const tmp = new Float64Array(model.d);
  const q = new Float32Array(queries * model.d);
  const queryIds = new Int32Array(queries);
  for (let i = 0; i < queries; i++) {
    const id = Math.floor(rand() * identities);
    queryIds[i] = id;
    drawAround(model, centres, id, rand, z, tmp, q, i * model.d);
  }
  const ids = Int32Array.from({ length: identities * PER_IDENTITY }, (_, i) =>
    Math.floor(i / PER_IDENTITY),
  );
  return { vectors, ids, queries: q, queryIds };
}

/** N face-like embeddings (identity-major, 5 per identity) and `queries` probes, cached. */
export function faceLikeDataset(
  model: FaceModel,
  n: number,
  queries: number,
  log: (l: string) => void,
): FaceLikeGallery {
  return cachedFaceLikeGallery(model, n, queries, () => synthesiseGallery(model, n, queries), log);
}
