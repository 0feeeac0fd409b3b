/**
 * Load-time integrity check for model files: every model the station runs is read through
 * here and compared with the SHA-256 pinned in model-catalog.ts before anyone sees its bytes.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { StationError } from '../../../shared/errors';
import { MODEL_CATALOG, MODEL_NAMES, type ModelName } from './model-catalog';

const PACKAGE_NAME = 'face-access-station';
const FIX_HINT = 'Run `npm run models` to fetch and verify the models.';

export type ModelState = 'ok' | 'missing' | 'tampered';

export interface ModelStatus {
  name: ModelName;
  state: ModelState;
  path: string;
  expectedSha256: string;
  /** Present when the file exists. */
  actualSha256?: string;
  bytes?: number;
}

export function sha256Hex(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * The project root: the nearest folder above this module (or, when bundled or run from
 * elsewhere, above the working directory) whose package.json is this app's.
 */
export function projectRoot(): string {
  // __dirname exists under CommonJS (tsx CLI, electron-vite bundle); vitest's ESM provides it too.
  const starts = [typeof __dirname === 'string' ? __dirname : undefined, process.cwd()];
  for (const start of starts) {
    if (!start) continue;
    for (let dir = resolve(start); ; dir = dirname(dir)) {
      if (isAppRoot(dir)) return dir;
      if (dirname(dir) === dir) break;
    }
  }
  return process.cwd();
}

function isAppRoot(dir: string): boolean {
  const pkg = join(dir, 'package.json');
  if (!existsSync(pkg)) return false;
  try {
    return (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: unknown }).name === PACKAGE_NAME;
  } catch {
    return false;
  }
}

/** `resources/models` under the project root, unless `STATION_MODELS_DIR` says otherwise. */
export function defaultModelsDir(env: NodeJS.ProcessEnv = process.env): string {
  const override = env.STATION_MODELS_DIR;
  if (override) return resolve(override);
  return join(projectRoot(), 'resources', 'models');
}

function readModelFile(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Checks one model file without throwing for missing/tampered (start-up screens, CLI doctor). */
export function verifyModel(modelsDir: string, name: ModelName): ModelStatus {
  const path = join(modelsDir, name);
  const expectedSha256 = MODEL_CATALOG[name].sha256;
  const bytes = readModelFile(path);
  if (!bytes) return { name, state: 'missing', path, expectedSha256 };
  const actualSha256 = sha256Hex(bytes);
  const state: ModelState = actualSha256 === expectedSha256 ? 'ok' : 'tampered';
  return { name, state, path, expectedSha256, actualSha256, bytes: bytes.length };
}

/** Status of every catalog model, in catalog order. */
export function verifyAllModels(modelsDir: string): ModelStatus[] {
  return MODEL_NAMES.map((name) => verifyModel(modelsDir, name));
}

/**
 * Reads `<modelsDir>/<name>` and returns its bytes only if its SHA-256 matches the catalog.
 * @throws StationError MODEL_MISSING when the file is absent, MODEL_TAMPERED when it differs.
 */
export function loadVerifiedModel(modelsDir: string, name: ModelName): Buffer {
  const expected = MODEL_CATALOG[name];
  if (!expected)
    throw new StationError('MODEL_MISSING', `Unknown model "${String(name)}". ${FIX_HINT}`);
  const path = join(modelsDir, name);
  const bytes = readModelFile(path);
  if (!bytes) {
    throw new StationError(
      'MODEL_MISSING',
      `Model file ${name} is missing (looked for ${path}). ${FIX_HINT}`,
    );
  }
  const actual = sha256Hex(bytes);
  if (actual !== expected.sha256) {
    throw new StationError(
      'MODEL_TAMPERED',
      `Model file ${name} at ${path} does not match its pinned SHA-256 ` +
        `(expected ${expected.sha256}, found ${actual}, ${bytes.length} bytes); refusing to load it. ${FIX_HINT}`,
    );
  }
  return bytes;
}
