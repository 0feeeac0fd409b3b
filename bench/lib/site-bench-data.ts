/**
 * The scale bench's directory: N people with T face-like templates each, sealed under the site
 * key and imported into the site in batches (as an HR import would), timed.
 *
 * Face-like vectors come from bench/lib/face-like-gallery.ts, fitted to real embeddings of a
 * bounded LFW subset (identities with >= 2 photos, FIT_IMAGES photos at most): the full
 * LFW + CelebA fit of bench/index-backends.ts embeds ~8,900 photos first (tens of minutes on
 * this machine), and what the site bench times (sealing, transfer, SQLite, the index build)
 * does not depend on the last decimal of the distribution. The synthetic set is cached.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SiteCipher } from '../../src/main/core/site/site-cipher';
import type {
  ImportedPerson,
  SiteAdminRepository,
} from '../../src/main/db/site/site-admin.repository';
import {
  embedFaceImages,
  listFaceImages,
  type LabelledEmbeddings,
} from '../../tests/support/face-embeddings';
import { cachedFaceLikeGallery } from './face-like-cache';
import {
  calibrate,
  fitFaceModel,
  similarityStats,
  synthesise,
  type FaceModel,
} from './face-like-gallery';

const FIT_IMAGES = 600;
const DIM = 512;

/** Keeps this bench's caches apart from other benches' (they may be filling theirs now). */
export function useBenchCache(): void {
  process.env.STATION_EMBEDDING_CACHE ??= join(tmpdir(), 'station-site-bench-cache');
}

async function fitOnLfwSubset(
  log: (l: string) => void,
): Promise<{ model: FaceModel; modelId: string }> {
  const byId = new Map<string, ReturnType<typeof listFaceImages>>();
  for (const img of listFaceImages('lfw'))
    byId.set(img.identity, [...(byId.get(img.identity) ?? []), img]);
  const chosen = [...byId.values()]
    .filter((g) => g.length >= 2)
    .flat()
    .slice(0, FIT_IMAGES);
  log(`fitting the face-like generator on ${chosen.length} LFW photos`);
  const real: LabelledEmbeddings = await embedFaceImages(chosen, { log });
  const labels = real.images.map((i) => i.identity);
  const target = similarityStats(real.vectors, labels, real.dim);
  return { model: calibrate(fitFaceModel(real), target), modelId: real.modelId };
}

/** people * perPerson unit vectors (person-major), face-like, cached between runs. */
export async function faceLikeTemplates(
  people: number,
  perPerson: number,
  log: (l: string) => void,
): Promise<{ vectors: Float32Array; modelId: string }> {
  const { model, modelId } = await fitOnLfwSubset(log);
  const n = people * perPerson;
  const g = cachedFaceLikeGallery(
    model,
    n,
    0,
    () => {
      log(
        `synthesising ${n} face-like vectors (${people} people x ${perPerson}); cached afterwards`,
      );
      const { vectors } = synthesise(model, people, perPerson, 16);
      return {
        vectors,
        ids: new Int32Array(n),
        queries: new Float32Array(0),
        queryIds: new Int32Array(0),
      };
    },
    log,
  );
  return { vectors: g.vectors, modelId };
}

/** Uniform random unit vectors (--vectors random): no real data needed at all. */
export function randomTemplates(people: number, perPerson: number): Float32Array {
  const out = new Float32Array(people * perPerson * DIM);
  for (let r = 0; r < people * perPerson; r++) {
    let norm = 0;
    for (let j = 0; j < DIM; j++) {
      const x = Math.random() - 0.5;
      out[r * DIM + j] = x;
      norm += x * x;
    }
    const inv = 1 / Math.sqrt(norm);
    for (let j = 0; j < DIM; j++) out[r * DIM + j]! *= inv;
  }
  return out;
}

/** Seals and imports the directory in batches; returns the import rate (people/s). */
export async function importDirectory(
  admin: SiteAdminRepository,
  cipher: SiteCipher,
  vectors: Float32Array,
  people: number,
  perPerson: number,
  modelId: string,
  log: (l: string) => void,
): Promise<{ seconds: number }> {
  const BATCH = 2000;
  const t0 = performance.now();
  const at = new Date().toISOString();
  for (let start = 0; start < people; start += BATCH) {
    const batch: ImportedPerson[] = [];
    for (let p = start; p < Math.min(people, start + BATCH); p++) {
      const personId = randomUUID();
      batch.push({
        personId,
        name: `Person ${p}`,
        employeeId: `E${p}`,
        linkSealed: cipher.sealLinkSecret(randomBytes(32), personId),
        consent: {
          consentId: randomUUID(),
          textVersion: 'v1',
          purpose: 'door access',
          grantedAt: at,
          recordedBy: 'import',
        },
        templates: Array.from({ length: perPerson }, (_, k) => {
          const templateId = randomUUID();
          const row = (p * perPerson + k) * DIM;
          const v = vectors.subarray(row, row + DIM);
          return {
            templateId,
            modelId,
            dim: DIM,
            keyId: cipher.keyId,
            sealed: cipher.sealTemplate(v, { templateId, personId, modelId, dim: DIM }),
            interEyePx: 60,
            createdAt: at,
          };
        }),
      });
    }
    await admin.importPeople(batch);
    if ((start / BATCH) % 10 === 9) log(`imported ${start + batch.length} people`);
  }
  return { seconds: (performance.now() - t0) / 1000 };
}
