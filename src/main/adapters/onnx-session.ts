/**
 * One place that turns a verified model file into an ONNX Runtime session, with the
 * settings every station model uses.
 */
import { createHash } from 'node:crypto';
import { InferenceSession } from 'onnxruntime-node';

/**
 * One intra-op and one inter-op thread: the station has 2 cores and the renderer, the gallery
 * search and the next frame compete for them; a single-threaded session keeps latency
 * predictable instead of fast-on-idle, slow-under-load.
 */
export const SESSION_OPTIONS: InferenceSession.SessionOptions = {
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  graphOptimizationLevel: 'all',
};

export interface LoadedModel {
  session: InferenceSession;
  /** '<name>@<first 12 hex of the file's SHA-256>' */
  modelId: string;
}

export async function sessionFromBuffer(name: string, bytes: Uint8Array): Promise<LoadedModel> {
  const session = await InferenceSession.create(bytes, SESSION_OPTIONS);
  const hash = createHash('sha256').update(bytes).digest('hex');
  return { session, modelId: `${name}@${hash.slice(0, 12)}` };
}

/** Loads `<modelsDir>/<name>.onnx` after its SHA-256 check (throws MODEL_MISSING / MODEL_TAMPERED). */
export async function loadModelSession(modelsDir: string, name: string): Promise<LoadedModel> {
  // TEMP until model-verifier lands
  const { loadVerifiedModel } = await import('../core/models/model-verifier');
  const bytes = await loadVerifiedModel(modelsDir, name);
  return sessionFromBuffer(name, bytes);
}
