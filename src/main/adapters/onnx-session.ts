/**
 * One place that turns a verified model file into an ONNX Runtime session, with the
 * settings every station model uses.
 */
import { InferenceSession } from 'onnxruntime-node';
import { MODEL_CATALOG, type ModelName } from '../core/models/model-catalog';
import { loadVerifiedModel, sha256Hex } from '../core/models/model-verifier';

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
  /** '<name without .onnx>@<first 12 hex of the file's SHA-256>', e.g. 'fr_feature@87aacdfe5751'. */
  modelId: string;
}

export function modelIdOf(name: string, sha256: string): string {
  return `${name.replace(/\.onnx$/, '')}@${sha256.slice(0, 12)}`;
}

/** For tools that already hold the bytes (benchmarks, model comparisons); no pinned-hash check. */
export async function sessionFromBytes(name: string, bytes: Uint8Array): Promise<LoadedModel> {
  const session = await InferenceSession.create(bytes, SESSION_OPTIONS);
  return { session, modelId: modelIdOf(name, sha256Hex(bytes)) };
}

/** Loads `<modelsDir>/<name>` after its SHA-256 check (throws MODEL_MISSING / MODEL_TAMPERED). */
export async function loadModelSession(modelsDir: string, name: ModelName): Promise<LoadedModel> {
  const bytes = loadVerifiedModel(modelsDir, name);
  const session = await InferenceSession.create(bytes, SESSION_OPTIONS);
  // The verifier has just proven the file hashes to the pinned value.
  return { session, modelId: modelIdOf(name, MODEL_CATALOG[name].sha256) };
}

/**
 * Runs tasks one at a time. Each adapter reuses one input buffer, and onnxruntime-node defers
 * `run` to setImmediate, so two overlapping calls (a door frame during an enrolment import)
 * would otherwise overwrite each other's input before either runs.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task, task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
