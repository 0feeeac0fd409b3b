import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { StationError } from '../../shared/errors';

/**
 * Types and loader for our own faiss addon (native/faiss/station_index.cc), built with
 * faiss-node's addon by scripts/native/faiss-addon-builder.ts and installed beside it.
 * Every native error arrives as a JS Error with a `code` (see NativeFaissError).
 */

/** Error codes set by station_index.cc. */
export type NativeFaissErrorCode =
  | 'INVALID_ARGUMENT'
  | 'INVALID_STATE'
  | 'NOT_TRAINED'
  | 'UNSUPPORTED'
  | 'FAISS_ERROR'
  | 'OUT_OF_MEMORY';

export interface NativeSearchResult {
  /** nq * k labels, row-major; -1 where fewer than k results exist. */
  labels: Int32Array;
  /** nq * k inner products, aligned with labels. */
  distances: Float32Array;
}

export type NativeParameter = 'efSearch' | 'efConstruction' | 'M' | 'nprobe' | 'nlist';

export interface NativeStationIndex {
  readonly dim: number;
  readonly ntotal: number;
  readonly isTrained: boolean;
  readonly family: 'flat' | 'hnsw' | 'ivf' | 'other';
  train(vectors: Float32Array): void;
  /** firstLabel: IVF only (explicit ids); flat/HNSW accept only ntotal, the default. */
  add(vectors: Float32Array, firstLabel?: number): void;
  search(queries: Float32Array, k: number): NativeSearchResult;
  setParameter(name: Exclude<NativeParameter, 'M' | 'nlist'>, value: number): void;
  getParameter(name: NativeParameter): number;
  /**
   * Destroys the stored vectors of `labels` without renumbering others; returns the count.
   * IVF drops them from its lists (ntotal shrinks); flat/HNSW zero them in place.
   */
  scrub(labels: Int32Array): number;
  toBuffer(): Buffer;
}

export interface StationFaissAddon {
  /** Always inner-product metric. */
  StationIndex: {
    new (dim: number, factoryString: string): NativeStationIndex;
    fromBuffer(buf: Buffer): NativeStationIndex;
  };
  faissVersion: string;
  /**
   * Queries per call from which faiss switches to BLAS (faiss default 20); process-wide.
   * Returns the previous value.
   */
  setBlasThreshold(queries: number): number;
}

/** Must match STATION_ADDON_FILE in scripts/native/faiss-addon-builder.ts. */
const ADDON_FILE = 'station-faiss.node';

let addon: StationFaissAddon | undefined;

/**
 * Loaded lazily, with OMP_NUM_THREADS=1 unless the user set it: with OpenMP's default
 * threads a single query slowed from ~0.5 ms to ~10 ms whenever the other core was busy
 * (../shared/ENVIRONMENT.md), and the door must stay responsive. OpenMP reads the variable
 * when the runtime starts, so it must be set before the first faiss addon loads.
 */
export function loadStationFaiss(): StationFaissAddon {
  if (addon) return addon;
  process.env.OMP_NUM_THREADS ??= '1';
  const req = createRequire(__filename);
  try {
    const dir = dirname(req.resolve('faiss-node/package.json'));
    addon = req(join(dir, 'build', 'Release', ADDON_FILE)) as StationFaissAddon;
  } catch (err) {
    throw new StationError(
      'NATIVE_MISSING',
      `The station's faiss addon (${ADDON_FILE}) is not built. Run \`npm run native:faiss\` (needs Debian package libfaiss-dev).`,
      { cause: err },
    );
  }
  return addon;
}

/** The `code` a native call failed with, or undefined for a non-native error. */
export function nativeErrorCode(err: unknown): NativeFaissErrorCode | undefined {
  if (err instanceof Error && 'code' in err && typeof err.code === 'string') {
    return err.code as NativeFaissErrorCode;
  }
  return undefined;
}
