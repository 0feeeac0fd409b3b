import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { StationError } from '../../shared/errors';
import { hasAvx2 } from './cpu-features';

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

/** Must match STATION_ADDON_FILE / STATION_AVX2_ADDON_FILE in scripts/native/faiss-addon-builder.ts. */
const ADDON_FILE = 'station-faiss.node';
const AVX2_ADDON_FILE = 'station-faiss-avx2.node';

/** generic = Debian's libfaiss (no SIMD kernels); avx2 = faiss built for AVX2 from its source. */
export type FaissVariant = 'generic' | 'avx2';

let addon: StationFaissAddon | undefined;
let loadedVariant: FaissVariant | undefined;

/**
 * The AVX2 build when it was built and this CPU can run it (4-5x faster distance kernels),
 * else the generic one. STATION_FAISS_SIMD=generic forces the generic build (to compare, or
 * to rule the SIMD build out when diagnosing); =avx2 insists on AVX2 and fails clearly if it
 * cannot be had, rather than running on a CPU that would die with SIGILL.
 */
export function pickFaissVariant(
  avx2Built: boolean,
  cpuHasAvx2: boolean,
  env: NodeJS.ProcessEnv = process.env,
): FaissVariant {
  const wanted = env.STATION_FAISS_SIMD ?? 'auto';
  if (wanted === 'generic') return 'generic';
  if (wanted === 'avx2') {
    if (!cpuHasAvx2) {
      throw new StationError(
        'NATIVE_MISSING',
        'STATION_FAISS_SIMD=avx2 but this CPU lacks AVX2/FMA/F16C.',
      );
    }
    if (!avx2Built) {
      throw new StationError(
        'NATIVE_MISSING',
        `STATION_FAISS_SIMD=avx2 but ${AVX2_ADDON_FILE} is not built; run \`npm run native:faiss\`.`,
      );
    }
    return 'avx2';
  }
  if (wanted !== 'auto') {
    throw new StationError(
      'NATIVE_MISSING',
      `STATION_FAISS_SIMD must be auto, generic or avx2 (got ${JSON.stringify(wanted)}).`,
    );
  }
  return avx2Built && cpuHasAvx2 ? 'avx2' : 'generic';
}

/** Which build the process loaded (undefined before the first load). */
export function loadedFaissVariant(): FaissVariant | undefined {
  return loadedVariant;
}

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
  let file = ADDON_FILE;
  try {
    const dir = join(dirname(req.resolve('faiss-node/package.json')), 'build', 'Release');
    const variant = pickFaissVariant(existsSync(join(dir, AVX2_ADDON_FILE)), hasAvx2());
    file = variant === 'avx2' ? AVX2_ADDON_FILE : ADDON_FILE;
    addon = req(join(dir, file)) as StationFaissAddon;
    loadedVariant = variant;
  } catch (err) {
    if (err instanceof StationError) throw err;
    throw new StationError(
      'NATIVE_MISSING',
      `The station's faiss addon (${file}) is not built. Run \`npm run native:faiss\` (needs Debian package libfaiss-dev).`,
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
