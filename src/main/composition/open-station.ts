import { decodeImageBuffer, DEFAULT_DECODE_LIMITS } from '../adapters/image-decoder';
import { faissIndexFactories } from '../adapters/faiss-vector-index';
import { defaultModelsDir } from '../core/models/model-verifier';
import { chosenEmbeddingModel } from '../core/models/embedding-model-source';
import { dataPaths } from '../core/util/data-dir';
import { BackgroundIntegrityCheck } from '../db/integrity-check';
import type { Station, OpenStationOptions } from '../core/station.service';
import { createStation } from './station-composition';
import { TexturePadScorer } from '../core/liveness/passive-scorer';
import { LoadingFaceAnalyzer, LoadingTextureModel } from './loading-models';
import { catchUpWithSite, siteBindingFor } from './site-composition';
import { startStationModels } from './onnx-models';

/** How long a joined station waits for its site's tombstones before serving offline. */
const SITE_CATCH_UP_MS = 10_000;

/**
 * Composition root shared by the three hosts: the core station wired to the real adapters. The
 * integrity check, the model sessions and the database/gallery open run at once (cold start budget,
 * docs/BENCHMARKS.md); nothing is served until all three are done and sound.
 */
export async function openStation(opts: OpenStationOptions): Promise<Station> {
  // The folder's model choice: the shipped model, or a site's own (manifest read and checked
  // now, its model hash-checked and shape-checked as it loads).
  const embedding = chosenEmbeddingModel(opts.dataDir);
  const modelsDir = opts.modelsDir ?? defaultModelsDir();
  // The PAD weights are read and verified before anything starts; the nets load on workers.
  const models = startStationModels(modelsDir, embedding);
  const integrity = BackgroundIntegrityCheck.start(dataPaths(opts.dataDir).database);
  const analyzer = new LoadingFaceAnalyzer(models.pipeline, embedding);
  const texture = new LoadingTextureModel(models.texture);
  // The models are loaded for this station only: their worker threads stop with it.
  const release = models.release;
  let station: Station;
  const log = (line: string): void => void process.stderr.write(`station: ${line}\n`);
  try {
    const site = siteBindingFor(opts.dataDir, { siteKeys: opts.siteKeys, log });
    station = createStation({
      dataDir: opts.dataDir,
      mode: opts.mode,
      modelsDir,
      analyzer,
      embedding,
      decode: (bytes, name) => decodeImageBuffer(bytes, DEFAULT_DECODE_LIMITS, name),
      indexFactories: faissIndexFactories,
      templateKeys: opts.templateKeys,
      passive: new TexturePadScorer(texture, models.pad),
      release,
      integrity,
      ...(site ? { site } : {}),
      ...(opts.challengeChooser ? { challengeChooser: opts.challengeChooser } : {}),
      ...(opts.now ? { now: opts.now } : {}),
      ...(opts.locale ? { locale: opts.locale } : {}),
    });
  } catch (err) {
    integrity.cancel();
    release();
    // A model that cannot load explains more than the failure it caused, so its error wins.
    await Promise.all([analyzer.settled(), texture.settled()]);
    throw err;
  }
  try {
    await Promise.all([analyzer.settled(), texture.settled(), station.ready()]);
  } catch (err) {
    station.close();
    throw err;
  }
  // A site station erases what its site erased meanwhile before it serves anything.
  await catchUpWithSite(station, SITE_CATCH_UP_MS, log);
  return station;
}
