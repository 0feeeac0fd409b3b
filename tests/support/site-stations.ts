import { join } from 'node:path';
import { decodeImageBuffer, DEFAULT_DECODE_LIMITS } from '../../src/main/adapters/image-decoder';
import { faissIndexFactories } from '../../src/main/adapters/faiss-vector-index';
import { modelIdOf } from '../../src/main/adapters/onnx-session';
import { catchUpWithSite, siteBindingFor } from '../../src/main/composition/site-composition';
import { initSite, joinSite, pairStation } from '../../src/main/composition/site-membership';
import { MODEL_CATALOG } from '../../src/main/core/models/model-catalog';
import { defaultModelsDir } from '../../src/main/core/models/model-verifier';
import type { Station } from '../../src/main/core/station.service';
import { createStation } from '../../src/main/composition/station-composition';
import type { FaceAnalyzer } from '../../src/main/core/vision/face-analyzer';
import { openStation } from '../../src/main/station-factory';

/** The embedding model the real stations use: stub stations index the same templates. */
export const EMBEDDING_MODEL_ID = modelIdOf(
  'fr_feature.onnx',
  MODEL_CATALOG['fr_feature.onnx'].sha256,
);

function stubAnalyzer(): FaceAnalyzer {
  const refuse = (): never => {
    throw new Error('this station was opened without models: it syncs, it does not analyse');
  };
  return {
    modelId: EMBEDDING_MODEL_ID,
    // The shipped model's space is its model id (embedding-manifest.ts).
    embeddingSpace: EMBEDDING_MODEL_ID,
    embeddingDim: 512,
    analyzeImage: refuse,
    analyzeRegion: refuse,
  };
}

/**
 * A station composed as the hosts compose it (site binding included) but without the ONNX
 * models: for sync-only stations (the kill -9 test's child, the scale bench). Applies the
 * site's tombstones before returning, as openStation does.
 */
export async function openSyncStation(
  dataDir: string,
  opts: { pageSize?: number; intervalMs?: number; indexSaveEveryMs?: number } = {},
): Promise<Station> {
  const site = siteBindingFor(dataDir, opts);
  const station = createStation({
    dataDir,
    mode: 'cli',
    modelsDir: defaultModelsDir(),
    analyzer: stubAnalyzer(),
    decode: (bytes, name) => decodeImageBuffer(bytes, DEFAULT_DECODE_LIMITS, name),
    indexFactories: faissIndexFactories,
    passive: null,
    ...(site ? { site } : {}),
  });
  await catchUpWithSite(station, 10_000);
  return station;
}

export interface TwoStations {
  dirA: string;
  dirB: string;
  openA: () => Promise<Station>;
  openB: () => Promise<Station>;
}

/**
 * A site on `adminUrl` with two real stations: A (the admin's desk, `station site init`) and
 * B (a door, paired with a one-time code and joined), both closed again.
 */
export async function twoStationSite(adminUrl: string, root: string): Promise<TwoStations> {
  const dirA = join(root, 'station-a');
  const dirB = join(root, 'station-b');
  const openA = () => openStation({ dataDir: dirA, mode: 'cli' });
  const openB = () => openStation({ dataDir: dirB, mode: 'cli' });
  await initSite(await openA(), openA, dirA, adminUrl, { label: 'HR desk', doorId: 'hr-desk' });
  const pair = await pairStation(dirA, adminUrl, { label: 'Door 2', doorId: 'door-2' });
  await joinSite(await openB(), openB, dirB, pair.joinUrl, pair.code);
  return { dirA, dirB, openA, openB };
}
