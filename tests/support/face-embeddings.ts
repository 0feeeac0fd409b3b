import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { decodeImageFile } from '../../src/main/adapters/image-decoder';
import { defaultModelsDir } from '../../src/main/core/models/model-verifier';
import { writeFileAtomic } from '../../src/main/core/util/atomic-file';
import type { FacePipeline } from '../../src/main/core/vision/face-pipeline';
import type { FaceBox, RgbImage } from '../../src/main/core/vision/vision.types';
import { sharedDataDir } from './shared-data';
import { loadFacePipeline } from '../../src/main/composition/onnx-models';

/**
 * Embeddings of real face photos from ../shared/data computed with the station's own
 * FacePipeline (detect -> 68 landmarks -> align -> fr_feature), for the index tests and
 * bench/index-backends.ts. Computing all ~8,900 LFW + CelebA images takes minutes, so results
 * are cached OUTSIDE the repository (the photos are research-only; embeddings derived from them
 * stay out of the repo too), in $STATION_EMBEDDING_CACHE or <os tmpdir>/station-face-embeddings,
 * keyed by the embedding model id. Missing entries are computed and added on demand.
 */

export type FaceDataset = 'lfw' | 'celeba';

export interface FaceImage {
  /** Path relative to the shared data folder (the cache key). */
  file: string;
  identity: string;
}

export interface LabelledEmbeddings {
  modelId: string;
  dim: number;
  /** One per embedded image; images where no face was detected are left out. */
  images: FaceImage[];
  /** images.length * dim, row i belongs to images[i]; L2-normalised. */
  vectors: Float32Array;
  /** Images skipped because the detector found no face. */
  noFace: number;
}

// Bump when the way embeddings are computed changes (face choice, pipeline config).
const CACHE_FORMAT = 1;

function readCsv(file: string): string[][] {
  return readFileSync(file, 'utf8')
    .trim()
    .split(/\r?\n/)
    .slice(1)
    .map((line) => line.split(','));
}

/** Every image of the dataset with its identity, in a stable order. */
export function listFaceImages(dataset: FaceDataset, dataDir = sharedDataDir()): FaceImage[] {
  if (dataset === 'celeba') {
    const root = join(dataDir, 'celeba_wild_subset');
    return readCsv(join(root, 'identities.csv'))
      .filter(([image, id]) => image && id)
      .map(([image, id]) => ({
        file: join('celeba_wild_subset', image!),
        identity: `celeba:${id!}`,
      }));
  }
  const root = join(dataDir, 'lfw_pairs_gray', 'images');
  const out: FaceImage[] = [];
  for (const person of readdirSync(root).sort()) {
    for (const image of readdirSync(join(root, person)).sort()) {
      out.push({ file: relative(dataDir, join(root, person, image)), identity: `lfw:${person}` });
    }
  }
  return out;
}

/**
 * LFW photos are centred on their subject (nearest-centre face); CelebA photos may show
 * bystanders (largest face). No face found: the image is skipped, never guessed.
 */
function pickFace(boxes: FaceBox[], img: RgbImage, file: string): FaceBox | undefined {
  const centred = file.startsWith('lfw_');
  const dist = (b: FaceBox): number =>
    Math.hypot((b.x1 + b.x2 - img.width) / 2, (b.y1 + b.y2 - img.height) / 2);
  const height = (b: FaceBox): number => b.y2 - b.y1;
  return [...boxes].sort((p, q) => (centred ? dist(p) - dist(q) : height(q) - height(p)))[0];
}

interface CacheIndex {
  format: number;
  modelId: string;
  dim: number;
  /** file -> row in the .f32 file, or -1 when no face was found. */
  rows: Record<string, number>;
}

export function embeddingCacheDir(): string {
  return process.env.STATION_EMBEDDING_CACHE ?? join(tmpdir(), 'station-face-embeddings');
}

class EmbeddingCache {
  private readonly base: string;
  private index: CacheIndex;
  /** Row r of the .f32 file. */
  private rows: Float32Array[] = [];

  constructor(
    dir: string,
    readonly modelId: string,
    readonly dim: number,
  ) {
    mkdirSync(dir, { recursive: true });
    this.base = join(dir, `${modelId.replace(/[^\w.@-]/g, '_')}-v${CACHE_FORMAT}`);
    this.index = { format: CACHE_FORMAT, modelId, dim, rows: {} };
    this.load();
  }

  private load(): void {
    if (!existsSync(`${this.base}.json`) || !existsSync(`${this.base}.f32`)) return;
    try {
      const index = JSON.parse(readFileSync(`${this.base}.json`, 'utf8')) as CacheIndex;
      const bytes = readFileSync(`${this.base}.f32`);
      const data = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4).slice();
      const maxRow = Math.max(-1, ...Object.values(index.rows));
      if (index.format !== CACHE_FORMAT || index.modelId !== this.modelId) return;
      if ((maxRow + 1) * this.dim > data.length) return; // torn cache: start again
      this.index = index;
      for (let r = 0; r * this.dim < data.length; r++) {
        this.rows.push(data.subarray(r * this.dim, (r + 1) * this.dim));
      }
    } catch {
      // An unreadable cache is only a slower run.
    }
  }

  get(file: string): Float32Array | null | undefined {
    const row = this.index.rows[file];
    if (row === undefined) return undefined;
    if (row < 0) return null;
    return this.rows[row];
  }

  put(file: string, vector: Float32Array | null): void {
    if (!vector) {
      this.index.rows[file] = -1;
      return;
    }
    this.index.rows[file] = this.rows.length;
    this.rows.push(vector.slice());
  }

  save(): void {
    // Data first, then the index that points into it (a torn pair is detected in load()).
    const data = new Float32Array(this.rows.length * this.dim);
    this.rows.forEach((v, r) => data.set(v, r * this.dim));
    writeFileAtomic(`${this.base}.f32`, new Uint8Array(data.buffer), 0o644);
    writeFileAtomic(`${this.base}.json`, JSON.stringify(this.index), 0o644);
  }
}

/**
 * Embeddings for `images` (from listFaceImages), computed with the station's pipeline where the
 * cache lacks them. `log` reports progress while computing.
 */
export async function embedFaceImages(
  images: readonly FaceImage[],
  opts: { pipeline?: FacePipeline; log?: (line: string) => void } = {},
): Promise<LabelledEmbeddings> {
  const dataDir = sharedDataDir();
  const pipeline = opts.pipeline ?? (await loadFacePipeline(defaultModelsDir()));
  const cache = new EmbeddingCache(embeddingCacheDir(), pipeline.modelId, pipeline.embeddingDim);
  const missing = images.filter((img) => cache.get(img.file) === undefined);
  const started = performance.now();
  for (const [i, img] of missing.entries()) {
    const rgb = await decodeImageFile(join(dataDir, img.file));
    const box = pickFace(await pipeline.detect(rgb), rgb, img.file);
    cache.put(img.file, box ? (await pipeline.analyzeDetection(rgb, box)).embedding : null);
    if ((i + 1) % 500 === 0) {
      cache.save();
      const s = (performance.now() - started) / 1000;
      opts.log?.(`embedded ${i + 1}/${missing.length} images (${s.toFixed(0)} s)`);
    }
  }
  if (missing.length > 0) cache.save();

  const kept: FaceImage[] = [];
  const rows: Float32Array[] = [];
  for (const img of images) {
    const v = cache.get(img.file);
    if (!v) continue;
    kept.push(img);
    rows.push(v);
  }
  const vectors = new Float32Array(rows.length * cache.dim);
  rows.forEach((v, i) => vectors.set(v, i * cache.dim));
  return {
    modelId: cache.modelId,
    dim: cache.dim,
    images: kept,
    vectors,
    noFace: images.length - kept.length,
  };
}
