import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StationError } from '../../src/shared/errors';
import { OnnxEmbedder } from '../../src/main/adapters/onnx-embedder';
import { BUILTIN_MANIFEST } from '../../src/main/core/models/embedding-manifest';
import { readManifest } from '../../src/main/core/models/embedding-model-source';
import { defaultModelsDir, sha256Hex } from '../../src/main/core/models/model-verifier';
import type { Station } from '../../src/main/core/station.service';
import { dot } from '../../src/main/core/vision/embedding-math';
import { openStation } from '../../src/main/station-factory';
import { switchEmbeddingModel } from '../../src/main/hosts/cli/model-command';
import { sharedDataPath } from '../support/shared-data';
import { stationCli } from '../support/station-cli-runner';
import { makeTempDir } from '../support/temp-dir';

/**
 * A site's own embedding model, tested with the shipped model under a second manifest (fed
 * RGB instead of BGR: the same weights, another embedding space) and with deliberately wrong
 * manifests. Real ONNX sessions, a real station folder, real faces: deepface_testset img1, 2,
 * 4, 5 are one person, img13 and 14 another.
 */
const modelsDir = defaultModelsDir();
const photo = (n: number) => ({
  fileName: `img${n}.jpg`,
  bytes: readFileSync(sharedDataPath('deepface_testset', `img${n}.jpg`)),
});

function code(err: unknown): string {
  return err instanceof StationError ? `${err.code}: ${err.message}` : String(err);
}

describe('bring your own embedding model', () => {
  const tmp = makeTempDir('station-byo-model-');
  const site = join(tmp.dir, 'site');
  const dataDir = join(tmp.dir, 'data');
  const manifest = (name: string, patch: Record<string, unknown>): string => {
    const file = join(site, `${name}.json`);
    const body = {
      ...BUILTIN_MANIFEST,
      name: 'site-model',
      file: 'site-model.onnx',
      licence: 'Test weights: the shipped model, re-described by the site',
      input: { ...BUILTIN_MANIFEST.input, channelOrder: 'rgb' },
      ...patch,
    };
    writeFileSync(file, JSON.stringify(body, null, 2));
    return file;
  };
  let second: string;

  beforeAll(() => {
    mkdirSync(site, { recursive: true });
    mkdirSync(dataDir, { recursive: true });
    copyFileSync(join(modelsDir, 'fr_feature.onnx'), join(site, 'site-model.onnx'));
    copyFileSync(join(modelsDir, 'fr_liveness.onnx'), join(site, 'liveness.onnx'));
    second = manifest('second', {});
  });
  afterAll(() => tmp.cleanup());

  it('loads the shipped model under a second manifest, in an embedding space of its own', async () => {
    const spec = readManifest(second);
    const own = await OnnxEmbedder.create(modelsDir, spec);
    const shipped = await OnnxEmbedder.create(modelsDir);
    try {
      expect(own.embeddingSpace).toBe(spec.embeddingSpace);
      expect(own.embeddingSpace).toMatch(/^onnx@87aacdfe5751\/[0-9a-f]{8}$/);
      expect(shipped.embeddingSpace).toBe('fr_feature@87aacdfe5751');
      expect(own.dim).toBe(512);
      // The same face fed RGB vs BGR: close, but not the same vector (hence another space).
      const face = { width: 112, height: 112, data: new Uint8Array(112 * 112 * 3) };
      face.data.forEach((_, i) => (face.data[i] = (i * 37) % 251));
      const sim = dot(await own.embed(face), await shipped.embed(face));
      expect(sim).toBeLessThan(0.999);
    } finally {
      await own.close();
      await shipped.close();
    }
  });

  it('refuses deliberately wrong manifests at load, naming the mismatch', async () => {
    const liveness = readFileSync(join(site, 'liveness.onnx'));
    const cases: [string, Record<string, unknown>, RegExp][] = [
      [
        'wrong-output',
        { output: { name: 'output', size: 128 } },
        /MODEL_MANIFEST_INVALID: .*wrong-output.json says the embedding has 128 values, but the model's output 'output' is 1x512 \(512 per face\)/,
      ],
      [
        'wrong-input-name',
        { input: { ...BUILTIN_MANIFEST.input, name: 'data' } },
        /names input 'data', but the model's inputs are 'input'/,
      ],
      [
        'other-model',
        { file: 'liveness.onnx', sha256: sha256Hex(liveness) },
        /says input 112x112 RGB \(Nx3x112x112\), but the model's input 'input' is 1x3x128x128/,
      ],
      ['wrong-hash', { sha256: '0'.repeat(64) }, /^MODEL_TAMPERED: .*does not match the SHA-256/],
      ['missing-file', { file: 'nowhere.onnx' }, /^MODEL_MISSING: .*nowhere.onnx/],
    ];
    for (const [name, patch, expected] of cases) {
      const spec = readManifest(manifest(name, patch));
      const err = await OnnxEmbedder.create(modelsDir, spec).then(
        () => 'loaded',
        (e: unknown) => code(e),
      );
      expect(err, name).toMatch(expected);
    }
  });

  it('never compares templates of another space, and offers re-enrolment', async () => {
    let station: Station = await openStation({ dataDir, mode: 'cli' });
    let ada: string;
    try {
      const a = await station.intake.enroll({
        name: 'Ada',
        consent: true,
        images: [photo(1), photo(2)],
        recordedBy: 't',
      });
      await station.intake.enroll({
        name: 'Bea',
        consent: true,
        images: [photo(13)],
        recordedBy: 't',
      });
      ada = a.person!.id;
      const [before] = await station.recognition.identify(photo(5).bytes, 'img5.jpg');
      expect(before).toMatchObject({ decision: 'granted', person: { name: 'Ada' } });
    } finally {
      station.close();
    }

    const previous = await switchEmbeddingModel(dataDir, modelsDir, second);
    station = await openStation({ dataDir, mode: 'cli' });
    try {
      const model = station.directory.embeddingModel();
      expect(model).toMatchObject({ source: second, name: 'site-model', templates: 0 });
      expect(model.otherSpaces).toEqual([
        { embeddingSpace: 'fr_feature@87aacdfe5751', templates: 3 },
      ]);
      expect(model.reEnrol.map((p) => p.name).sort()).toEqual(['Ada', 'Bea']);
      expect(station.directory.list().every((p) => p.reEnrol === true)).toBe(true);
      // Ada's old templates are never compared: nobody can be recognised yet.
      const [unknown] = await station.recognition.identify(photo(5).bytes, 'img5.jpg');
      expect(unknown).toMatchObject({ decision: 'unknown_face', similarity: -1 });

      // Re-enrolment with new photos puts Ada into this space; Bea still waits.
      await station.intake.enroll({
        name: '',
        personId: ada,
        consent: true,
        images: [photo(1), photo(4)],
        recordedBy: 't',
      });
      const [again] = await station.recognition.identify(photo(5).bytes, 'img5.jpg');
      expect(again).toMatchObject({ decision: 'granted', person: { name: 'Ada' } });
      const flags = Object.fromEntries(
        station.directory.list().map((p) => [p.name, p.reEnrol ?? false]),
      );
      expect(flags).toEqual({ Ada: false, Bea: true });
      const audit = station.directory.recordEmbeddingModelChange(previous, 'test');
      expect(station.review.detail(audit).facts).toMatchObject({
        setting: 'embedding_model',
        changedBy: 'test',
        name: 'site-model',
        previousSpace: 'fr_feature@87aacdfe5751',
        space: readManifest(second).embeddingSpace,
      });
    } finally {
      station.close();
    }

    // Back to the shipped model: its templates are searchable again, the RGB ones are not.
    await switchEmbeddingModel(dataDir, modelsDir, 'builtin');
    station = await openStation({ dataDir, mode: 'cli' });
    try {
      expect(station.directory.embeddingModel()).toMatchObject({
        source: 'built-in',
        templates: 3,
      });
      expect(station.galleryReport.excludedOtherModels).toEqual([
        { modelId: readManifest(second).embeddingSpace, templates: 2 },
      ]);
    } finally {
      station.close();
    }
  }, 300_000);

  it('the CLI refuses a wrong manifest before touching the folder, and says why', () => {
    const cli = stationCli(dataDir);
    const bad = manifest('cli-wrong', { output: { name: 'output', size: 1024 } });
    const r = cli('model', 'use', bad);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /says the embedding has 1024 values, but the model's output 'output' is 1x512/,
    );
    expect(r.stderr).toMatch(/\[MODEL_MANIFEST_INVALID\]/);
    expect(existsSync(join(dataDir, 'embedding-model.json'))).toBe(false);
    const show = cli('model', 'show', '--json');
    expect(show.code).toBe(0);
    expect(show.json).toMatchObject({
      source: 'built-in',
      embeddingSpace: 'fr_feature@87aacdfe5751',
    });
  }, 180_000);
});
