/**
 * One timed start of bench/gallery-cold-start.ts, run in a FRESH Node process per start (the
 * way the app, the browser host or the CLI starts), then prints one JSON line.
 *
 *   node --import tsx bench/lib/gallery-cold-start-child.ts --variant gallery|station|models
 *       --dir DATA_DIR [--image FACE.jpg]
 *
 * Times are ms since the process started (performance.now()'s origin): "boot" is Node + the
 * tsx loader up to this file's first line, "imports" the station's modules (imported
 * dynamically so they can be timed; the app pays the same). Variants:
 * - gallery: openDatabase + key unlock + Gallery.open + first search, with Gallery.open's
 *   stages timed by wrapping what the Gallery calls (the repository, the index factory, the
 *   file sealer: read + decrypt + tag check); the rest of Gallery.open (meta, label map decode
 *   and check, zeroing the plaintext) is the remainder. Afterwards the steps are re-timed one
 *   by one in the same process, with the whole-file path (readFileSync, SHA-256, openFile)
 *   that Gallery.open used before openFileAt, for comparison (the SHA-256 pass is gone from
 *   Gallery.open since the meta names the file's GCM tag; it is timed here for the record).
 * - station: Station.create (the composition root without the ONNX models) + first 1:N search.
 * - models: openStation from station-factory.ts (models hash-checked and loaded) + first 1:N
 *   search, then the first whole image through detection, embedding and search.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const bootMs = performance.now();
const cpu0 = process.cpuUsage();

/** Stage durations in call order (a stage called twice adds up). */
const stages = new Map<string, number>();

function stage<T>(name: string, fn: () => T): T {
  const t = performance.now();
  try {
    return fn();
  } finally {
    stages.set(name, (stages.get(name) ?? 0) + performance.now() - t);
  }
}

async function stageAsync<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const t = performance.now();
  try {
    return await fn();
  } finally {
    stages.set(name, (stages.get(name) ?? 0) + performance.now() - t);
  }
}

/** The object with every method call timed as a stage named prefix.method. */
function timedMethods<T extends object>(target: T, prefix: string): T {
  return new Proxy(target, {
    get(t, p, r) {
      const v: unknown = Reflect.get(t, p, r);
      if (typeof v !== 'function') return v;
      return (...args: unknown[]) =>
        stage(`${prefix}.${String(p)}`, () => (v as (...a: unknown[]) => unknown).apply(t, args));
    },
  });
}

interface Prepared {
  modelId: string;
  dim: number;
  probes: { vector: number[]; personId: string }[];
}

interface SearchOutcome {
  firstSearchMs: number;
  secondSearchMs: number;
  topIsProbePerson: boolean;
}

function searchTwice(
  search: (q: Float32Array) => { personId: string }[],
  prepared: Prepared,
): SearchOutcome {
  const [a, b] = prepared.probes;
  if (!a || !b) throw new Error('the prepared folder holds no probes');
  const t0 = performance.now();
  const first = search(Float32Array.from(a.vector));
  const t1 = performance.now();
  search(Float32Array.from(b.vector));
  const t2 = performance.now();
  return {
    firstSearchMs: t1 - t0,
    secondSearchMs: t2 - t1,
    topIsProbePerson: first[0]?.personId === a.personId,
  };
}

async function galleryVariant(dir: string, prepared: Prepared): Promise<Record<string, unknown>> {
  const imported = await stageAsync('imports', async () => ({
    ...(await import('../../src/main/adapters/faiss-vector-index')),
    ...(await import('../../src/main/adapters/station-faiss-addon')),
    ...(await import('../../src/main/core/gallery/gallery.service')),
    ...(await import('../../src/main/core/gallery/gallery-label-map')),
    ...(await import('../../src/main/core/gallery/index-policy')),
    ...(await import('../../src/main/core/gallery/vector-index')),
    ...(await import('../../src/main/core/crypto/file-template-key-store')),
    ...(await import('../../src/main/core/crypto/template-key-unlock')),
    ...(await import('../../src/main/core/settings/settings.service')),
    ...(await import('../../src/main/core/util/data-dir')),
    ...(await import('../../src/main/composition/station-database')),
    ...(await import('../../src/main/db/integrity-check')),
    ...(await import('../../src/main/db/settings.repository')),
    ...(await import('../../src/main/db/template-encryption.repository')),
    ...(await import('../../src/main/db/templates.repository')),
  }));
  const { faissIndexFactories, INDEX_KINDS, chooseIndexKind } = imported;
  const t0 = performance.now();
  const paths = imported.dataPaths(dir);
  const keys = imported.dataFolderTemplateKeyStore(dir);
  // As openStation does: quick_check on a worker from the start, awaited before the answer.
  const integrity = stage('integrity check start (worker)', () =>
    imported.BackgroundIntegrityCheck.start(paths.database),
  );
  const db = stage('openDatabase (migrations; check on the worker)', () =>
    imported.openDatabase(paths.database, { templateKeys: keys, integrityCheck: 'background' }),
  );
  const cipher = stage('unlock template key', () =>
    imported.unlockTemplateCipher(
      new imported.TemplateEncryptionRepository(db),
      keys,
      () => new Date(),
    ),
  );
  stage('faiss addon load', () => imported.loadStationFaiss());
  const settings = new imported.SettingsService(new imported.SettingsRepository(db));
  // The chooser Station passes (galleryIndexKindFor): admin setting, else the size policy.
  const choose = (n: number, currentKind: string | null) => {
    const current = INDEX_KINDS.find((k) => faissIndexFactories[k].kind === currentKind) ?? null;
    const f = faissIndexFactories[settings.galleryIndexKind() ?? chooseIndexKind(n, current)];
    return {
      kind: f.kind,
      create: (d: number) => stage('index create (empty)', () => f.create(d)),
      fromBuffer: (b: Buffer, d: number) => stage('faiss fromBuffer', () => f.fromBuffer(b, d)),
    };
  };
  const sealer = {
    sealFile: (b: readonly Uint8Array[], c: string) => cipher.sealFile(b, c),
    sealedTag: (b: Uint8Array) => cipher.sealedTag(b),
    openFileAt: (path: string, c: string, tag: string) =>
      stage('read + AES-GCM open (openFileAt)', () => cipher.openFileAt(path, c, tag)),
  };
  const templates = timedMethods(new imported.TemplatesRepository(db, cipher), 'sql');
  const tOpen = performance.now();
  const { gallery, report } = imported.Gallery.open({
    templates,
    factory: choose,
    sealer,
    indexFile: paths.galleryIndex,
    modelId: prepared.modelId,
    dim: prepared.dim,
  });
  const galleryOpenMs = performance.now() - tOpen;
  if (report.rebuiltBecause !== null) throw new Error(`rebuilt: ${report.rebuiltBecause}`);
  await stageAsync('integrity check wait', () => integrity.verify(db));
  const readyMs = performance.now();
  const outcome = searchTwice((q) => gallery.search(q), prepared);
  const answeredMs = readyMs + outcome.firstSearchMs;
  const cpu = process.cpuUsage(cpu0);
  // Re-timing of Gallery.open's unwrapped steps (file now in the page cache, process warm).
  const again = new Map<string, number>();
  const redo = <T>(name: string, fn: () => T): T => {
    const t = performance.now();
    const v = fn();
    again.set(name, performance.now() - t);
    return v;
  };
  const sealed = redo('readFileSync', () => readFileSync(paths.galleryIndex));
  redo('sha256', () => createHash('sha256').update(sealed).digest('hex'));
  const meta = JSON.parse(readFileSync(`${paths.galleryIndex}.json`, 'utf8')) as {
    fingerprint: string;
    kind: string;
    tag: string;
  };
  const context = imported.indexFileContext({
    kind: meta.kind,
    modelId: prepared.modelId,
    dim: prepared.dim,
    fingerprint: meta.fingerprint,
  });
  const plain = redo('AES-GCM open (again)', () => cipher.openFile(sealed, context));
  const decoded = redo('decodeLabelMap', () => imported.decodeLabelMap(plain));
  // Not through `templates`: its timed stages belong to Gallery.open alone.
  const rows = new imported.TemplatesRepository(db, cipher).labelsForModel(prepared.modelId);
  redo('label check (Map of rows + walk)', () => {
    const personOf = new Map(rows.map((r) => [r.id, r.personId]));
    const seen = new Set<number>();
    for (const id of decoded.labels) if (personOf.has(id)) seen.add(id);
    return seen.size;
  });
  redo('zero plaintext', () => plain.fill(0));
  redo('openFileAt (again)', () => cipher.openFileAt(paths.galleryIndex, context, meta.tag))?.fill(
    0,
  );
  db.close();
  return {
    galleryOpenMs,
    openToAnswerMs: answeredMs - t0,
    answeredMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    redo: Object.fromEntries(again),
    indexFileMb: sealed.length / 1e6,
    kind: meta.kind,
    ...outcome,
  };
}

async function stationVariant(
  dir: string,
  prepared: Prepared,
  withModels: boolean,
  image: string | undefined,
): Promise<Record<string, unknown>> {
  const mods = await stageAsync('imports', async () => ({
    ...(await import('../../src/main/station-factory')),
    ...(await import('./station-without-models')),
  }));
  const t0 = performance.now();
  const station = withModels
    ? await stageAsync('openStation (models + Station.create)', () =>
        mods.openStation({ dataDir: dir, mode: 'cli' }),
      )
    : stage('Station.create (no models)', () =>
        mods.openStationWithoutModels(dir, prepared.modelId, prepared.dim),
      );
  if (station.galleryReport.rebuiltBecause !== null) {
    throw new Error(`rebuilt: ${station.galleryReport.rebuiltBecause}`);
  }
  const readyMs = performance.now();
  const box = { x1: 0, y1: 0, x2: 1, y2: 1, score: 1 };
  const outcome = searchTwice(
    (q) =>
      station.recognition
        .evidence({
          box,
          landmarks68: [],
          five: [
            [0, 0],
            [0, 0],
            [0, 0],
            [0, 0],
            [0, 0],
          ],
          embedding: q,
          interEyePx: 80,
        })
        .matches.map((m) => ({ personId: m.person.id })),
    prepared,
  );
  const answeredMs = readyMs + outcome.firstSearchMs;
  const cpu = process.cpuUsage(cpu0);
  let firstImageMs: number | null = null;
  if (withModels && image) {
    const bytes = readFileSync(image);
    const t = performance.now();
    await station.recognition.identify(bytes, image);
    firstImageMs = performance.now() - t;
  }
  station.close();
  return {
    openToAnswerMs: answeredMs - t0,
    answeredMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    firstImageMs,
    ...outcome,
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      variant: { type: 'string' },
      dir: { type: 'string' },
      image: { type: 'string' },
    },
  });
  const dir = values.dir;
  if (!dir) throw new Error('--dir is required');
  const prepared = JSON.parse(readFileSync(`${dir}/bench-cold-start.json`, 'utf8')) as Prepared;
  const variant = values.variant;
  const result =
    variant === 'gallery'
      ? await galleryVariant(dir, prepared)
      : variant === 'station' || variant === 'models'
        ? await stationVariant(dir, prepared, variant === 'models', values.image)
        : null;
  if (!result) throw new Error(`unknown variant ${String(variant)}`);
  const out = {
    variant,
    bootMs,
    stages: Object.fromEntries(stages),
    rssMb: process.memoryUsage().rss / 1e6,
    ...result,
  };
  console.log(JSON.stringify(out));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
