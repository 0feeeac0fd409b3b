/**
 * What the station's pipeline makes of each photo of a dataset, computed once and cached for
 * the open-set, bias and quantisation benches: every detected face's embedding, size and
 * detector score, and for the main face (the largest, as the door and enrolment choose) its
 * quality measures and the enrolment gates' verdict (default limits). Scoring experiments then
 * run in milliseconds over these records instead of minutes of decoding and networks.
 *
 * The cache lives outside the repository (embeddings of research-only photos stay out of it),
 * beside the other embedding caches, keyed by the embedding model id and a digest of the
 * pipeline's source files: a change of alignment or detection never reuses stale records.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { decodeImageFile } from '../../src/main/adapters/image-decoder';
import { writeFileAtomic } from '../../src/main/core/util/atomic-file';
import { chooseEnrolmentFace } from '../../src/main/core/enrollment/enroll-photo-check';
import { judgeFaceQuality } from '../../src/main/core/enrollment/quality-gates';
import { DEFAULT_QUALITY_LIMITS } from '../../src/main/core/settings/quality-defaults';
import { DEFAULT_THRESHOLDS } from '../../src/main/core/settings/threshold-defaults';
import type { FaceAnalyzer } from '../../src/main/core/vision/face-analyzer';
import { measureFaceQuality, type FaceQuality } from '../../src/main/core/vision/face-quality';
import { embeddingCacheDir } from '../../tests/support/face-embeddings';
import { sharedDataDir } from '../../tests/support/shared-data';

export interface FaceRecord {
  embedding: Float32Array;
  interEyePx: number;
  score: number;
}

export interface PhotoRecord {
  /** Path relative to the shared data folder. */
  file: string;
  identity: string;
  faces: FaceRecord[];
  /** Index into faces of the largest face, -1 when none was found. */
  main: number;
  mainQuality: FaceQuality | null;
  /** 'enrolled' when the photo passes the enrolment gates, else the gate's status. */
  enrol: string;
}

interface StoredRecord extends Omit<PhotoRecord, 'faces'> {
  faces: { embedding: string; interEyePx: number; score: number }[];
}

const CACHE_FORMAT = 1;

/** Digest of the files whose change changes what the pipeline outputs. */
function pipelineDigest(): string {
  const root = join(__dirname, '..', '..', 'src', 'main');
  const h = createHash('sha256');
  for (const dir of ['core/vision', 'core/enrollment', 'adapters']) {
    for (const f of readdirSync(join(root, dir)).sort()) {
      if (!f.endsWith('.ts') || f.endsWith('.test.ts')) continue;
      h.update(f).update(readFileSync(join(root, dir, f)));
    }
  }
  return h.digest('hex').slice(0, 12);
}

function cacheFile(name: string, modelId: string): string {
  const dir = join(embeddingCacheDir(), 'face-records');
  mkdirSync(dir, { recursive: true });
  const safe = `${name}-${modelId}-${pipelineDigest()}-v${CACHE_FORMAT}`.replace(/[^\w.@-]/g, '_');
  return join(dir, `${safe}.json`);
}

const toB64 = (v: Float32Array): string =>
  Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
function fromB64(s: string): Float32Array {
  const b = Buffer.from(s, 'base64');
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

async function recordPhoto(
  analyzer: FaceAnalyzer,
  file: string,
  identity: string,
): Promise<PhotoRecord> {
  const img = await decodeImageFile(join(sharedDataDir(), file));
  const faces = await analyzer.analyzeImage(img);
  let main = -1;
  faces.forEach((f, i) => {
    if (main < 0 || f.interEyePx > faces[main]!.interEyePx) main = i;
  });
  const choice = chooseEnrolmentFace(faces);
  const quality = main >= 0 ? measureFaceQuality(img, faces[main]!) : null;
  let enrol: string = choice.ok ? 'enrolled' : choice.status;
  if (choice.ok && quality) {
    const limits = { ...DEFAULT_QUALITY_LIMITS, minInterEyePx: DEFAULT_THRESHOLDS.minInterEyePx };
    const verdict = judgeFaceQuality(quality, limits);
    if (!verdict.ok) enrol = verdict.status;
  }
  return {
    file,
    identity,
    faces: faces.map((f) => ({
      embedding: f.embedding,
      interEyePx: f.interEyePx,
      score: f.box.score,
    })),
    main,
    mainQuality: quality,
    enrol,
  };
}

/**
 * Records for `photos` ([file relative to the shared data, identity]), from the cache named
 * `name` where present, else computed with `analyzer` (made on first need by `load`).
 */
export async function faceRecords(
  name: string,
  photos: readonly (readonly [string, string])[],
  modelId: string,
  load: () => Promise<FaceAnalyzer>,
  log: (line: string) => void = () => undefined,
): Promise<PhotoRecord[]> {
  const path = cacheFile(name, modelId);
  const cached = new Map<string, StoredRecord>();
  if (existsSync(path)) {
    for (const r of JSON.parse(readFileSync(path, 'utf8')) as StoredRecord[]) cached.set(r.file, r);
  }
  const missing = photos.filter(([file]) => !cached.has(file));
  if (missing.length > 0) {
    const analyzer = await load();
    const started = performance.now();
    for (const [i, [file, identity]] of missing.entries()) {
      const r = await recordPhoto(analyzer, file, identity);
      cached.set(file, {
        ...r,
        faces: r.faces.map((f) => ({ ...f, embedding: toB64(f.embedding) })),
      });
      if ((i + 1) % 200 === 0) {
        const s = ((performance.now() - started) / 1000).toFixed(0);
        log(`${name}: ${i + 1}/${missing.length} photos analysed (${s} s)`);
      }
    }
    writeFileAtomic(path, JSON.stringify([...cached.values()]), 0o644);
  }
  return photos.map(([file, identity]) => {
    const r = cached.get(file)!;
    const faces = r.faces.map((f) => ({ ...f, embedding: fromB64(f.embedding) }));
    // The label is the caller's (a bench may group the same photos differently).
    return { ...r, identity, faces };
  });
}

/** CelebA subset photos with their identity, in file order. */
export function celebaPhotos(): [string, string][] {
  const csv = readFileSync(join(sharedDataDir(), 'celeba_wild_subset', 'identities.csv'), 'utf8');
  return csv
    .trim()
    .split(/\r?\n/)
    .slice(1)
    .map((l) => l.split(','))
    .filter(([image, id]) => image && id)
    .map(([image, id]) => [join('celeba_wild_subset', image!), id!]);
}
