import { StationError } from '../../shared/errors';
import { modelIdOf } from '../adapters/onnx-session';
import type { TextureLivenessModel } from '../core/liveness/texture-model';
import { builtinSpec, type EmbeddingModelSpec } from '../core/models/embedding-model-source';
import { MODEL_CATALOG } from '../core/models/model-catalog';
import type { FaceAnalyzer } from '../core/vision/face-analyzer';
import type { FindMode } from '../core/vision/face-finder';
import type { FaceAnalysis, FaceBox, Point, RgbImage } from '../core/vision/vision.types';

/**
 * Stand-ins for models still loading, so the database and gallery open while model sessions load on
 * workers. What open needs (the embedding model's id, space, dimension) comes from the pinned
 * catalog; every call waits for the real model, and `settled` checks the loaded models match what
 * was announced.
 */
export class LoadingFaceAnalyzer implements FaceAnalyzer {
  readonly modelId: string;
  readonly embeddingSpace: string;
  readonly embeddingDim: number;
  /** Set by `settled`: from then on every call (one per door frame) goes straight to it. */
  private loaded: FaceAnalyzer | null = null;

  /** `embedding`: the model the folder chose (its manifest, read before any session). */
  constructor(
    private readonly loading: Promise<FaceAnalyzer>,
    embedding: EmbeddingModelSpec = builtinSpec(),
  ) {
    this.modelId = embedding.modelId;
    this.embeddingSpace = embedding.embeddingSpace;
    this.embeddingDim = embedding.manifest.output.size;
  }

  /** The loaded analyzer, once it proved to be the model announced. */
  async settled(): Promise<FaceAnalyzer> {
    const analyzer = await this.loading;
    sameModel('embedding', this, analyzer);
    if (analyzer.embeddingSpace !== this.embeddingSpace) {
      throw new StationError(
        'INTERNAL',
        `the embedding model loaded in space ${analyzer.embeddingSpace}, ${this.embeddingSpace} announced`,
      );
    }
    if (analyzer.embeddingDim !== this.embeddingDim) {
      throw new StationError(
        'INTERNAL',
        `the embedding model gives ${analyzer.embeddingDim} values, ${this.embeddingDim} announced`,
      );
    }
    this.loaded = analyzer;
    return analyzer;
  }

  analyzeImage(img: RgbImage, opts?: { mode?: FindMode }): Promise<FaceAnalysis[]> {
    if (this.loaded) return this.loaded.analyzeImage(img, opts);
    return this.loading.then((a) => a.analyzeImage(img, opts));
  }

  analyzeRegion(
    img: RgbImage,
    hint: { box: FaceBox; keypoints?: Point[] },
  ): Promise<FaceAnalysis | null> {
    if (this.loaded) return this.loaded.analyzeRegion(img, hint);
    return this.loading.then((a) => a.analyzeRegion(img, hint));
  }
}

export class LoadingTextureModel implements TextureLivenessModel {
  readonly modelId = modelIdOf('fr_liveness.onnx', MODEL_CATALOG['fr_liveness.onnx'].sha256);
  /** Set by `settled`, as for LoadingFaceAnalyzer: liveness frames then call it directly. */
  private loaded: TextureLivenessModel | null = null;

  constructor(private readonly loading: Promise<TextureLivenessModel>) {}

  async settled(): Promise<TextureLivenessModel> {
    const model = await this.loading;
    sameModel('texture liveness', this, model);
    this.loaded = model;
    return model;
  }

  logits(crop128: RgbImage): Promise<Float32Array> {
    if (this.loaded) return this.loaded.logits(crop128);
    return this.loading.then((m) => m.logits(crop128));
  }

  async close(): Promise<void> {
    await (await this.loading).close?.();
  }
}

function sameModel(what: string, announced: { modelId: string }, loaded: { modelId: string }) {
  if (loaded.modelId !== announced.modelId) {
    throw new StationError(
      'INTERNAL',
      `the ${what} model loaded as ${loaded.modelId}, ${announced.modelId} announced`,
    );
  }
}
