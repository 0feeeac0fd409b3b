import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  MODEL_CATALOG,
  MODEL_NAMES,
  type ModelName,
} from '../../src/main/core/models/model-catalog';
import {
  defaultModelsDir,
  loadVerifiedModel,
  sha256Hex,
  verifyAllModels,
} from '../../src/main/core/models/model-verifier';
import { StationError } from '../../src/shared/errors';
import { makeTempDir } from '../support/temp-dir';

const realDir = defaultModelsDir();
const SMALL: ModelName = 'fr_eye.onnx';

function stationError(fn: () => unknown): StationError {
  try {
    fn();
  } catch (err) {
    if (err instanceof StationError) return err;
    throw err;
  }
  throw new Error('expected a StationError');
}

beforeAll(() => {
  const bad = verifyAllModels(realDir).filter((s) => s.state !== 'ok');
  if (bad.length > 0) {
    throw new Error(
      `models not installed in ${realDir} (${bad.map((s) => `${s.name}: ${s.state}`).join(', ')}); run \`npm run models\``,
    );
  }
});

describe('model verifier on the real model files', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  beforeEach(() => {
    tmp = makeTempDir();
  });
  afterEach(() => tmp.cleanup());

  it('loads every catalog model whose hash matches', () => {
    for (const name of MODEL_NAMES) {
      const bytes = loadVerifiedModel(realDir, name);
      expect(bytes.length).toBe(MODEL_CATALOG[name].bytes);
      expect(sha256Hex(bytes)).toBe(MODEL_CATALOG[name].sha256);
    }
    expect(verifyAllModels(realDir).map((s) => s.state)).toEqual(MODEL_NAMES.map(() => 'ok'));
  });

  it('refuses a copy with one byte changed: MODEL_TAMPERED naming the file and the fix', () => {
    const original = readFileSync(join(realDir, SMALL));
    const tampered = Buffer.from(original);
    tampered[tampered.length >> 1] = (tampered[tampered.length >> 1] ?? 0) ^ 0x01;
    writeFileSync(join(tmp.dir, SMALL), tampered);

    const err = stationError(() => loadVerifiedModel(tmp.dir, SMALL));
    expect(err.code).toBe('MODEL_TAMPERED');
    expect(err.message).toContain(SMALL);
    expect(err.message).toContain('npm run models');
    expect(err.message).toContain(MODEL_CATALOG[SMALL].sha256);
  });

  it('refuses a truncated copy too (same prefix, fewer bytes)', () => {
    const original = readFileSync(join(realDir, SMALL));
    writeFileSync(join(tmp.dir, SMALL), original.subarray(0, original.length - 1));
    expect(stationError(() => loadVerifiedModel(tmp.dir, SMALL)).code).toBe('MODEL_TAMPERED');
  });

  it('reports a missing file as MODEL_MISSING with the path it looked at', () => {
    const err = stationError(() => loadVerifiedModel(tmp.dir, 'fr_feature.onnx'));
    expect(err.code).toBe('MODEL_MISSING');
    expect(err.message).toContain(join(tmp.dir, 'fr_feature.onnx'));
    expect(err.message).toContain('npm run models');
  });

  it('verifyAllModels gives a per-file status without throwing', () => {
    copyFileSync(join(realDir, SMALL), join(tmp.dir, SMALL));
    writeFileSync(join(tmp.dir, 'fr_detect.onnx'), 'not the detector');
    const byName = new Map(verifyAllModels(tmp.dir).map((s) => [s.name, s]));
    expect(byName.size).toBe(MODEL_NAMES.length);
    expect(byName.get(SMALL)?.state).toBe('ok');
    expect(byName.get('fr_detect.onnx')).toMatchObject({
      state: 'tampered',
      actualSha256: sha256Hex(Buffer.from('not the detector')),
      bytes: 16,
    });
    expect(byName.get('fr_feature.onnx')?.state).toBe('missing');
  });

  it('defaultModelsDir follows STATION_MODELS_DIR', () => {
    expect(defaultModelsDir({ STATION_MODELS_DIR: tmp.dir })).toBe(tmp.dir);
    expect(defaultModelsDir({})).toMatch(/resources[/\\]models$/);
  });
});
