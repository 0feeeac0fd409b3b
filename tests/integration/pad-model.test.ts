import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PAD_MODEL_FILE, loadPadModel } from '../../src/main/core/liveness/pad-model-loader';
import { MODEL_CATALOG, MODEL_NAMES } from '../../src/main/core/models/model-catalog';
import {
  defaultModelsDir,
  projectRoot,
  sha256Hex,
} from '../../src/main/core/models/model-verifier';
import { openStation } from '../../src/main/station-factory';
import { makeTempDir } from '../support/temp-dir';

/**
 * The project's PAD weights are a model like the others: committed under models/, pinned by
 * SHA-256, copied by `npm run models`, and a missing or altered file stops the station's start
 * (MODEL_MISSING / MODEL_TAMPERED) before it serves anything.
 */
const realDir = defaultModelsDir();
const tmp = makeTempDir('station-pad-model-');
afterAll(() => tmp.cleanup());

/** A models folder with every real model linked except the PAD file. */
function modelsWithout(name: string): string {
  const dir = join(tmp.dir, `models-${Math.random().toString(36).slice(2)}`);
  mkdirSync(dir);
  for (const m of MODEL_NAMES) if (m !== name) symlinkSync(join(realDir, m), join(dir, m));
  return dir;
}

describe('PAD weights file', () => {
  it('the committed file is the one the catalog pins and the models folder holds', () => {
    const committed = readFileSync(join(projectRoot(), 'models', PAD_MODEL_FILE));
    expect(sha256Hex(committed)).toBe(MODEL_CATALOG[PAD_MODEL_FILE].sha256);
    expect(committed.length).toBe(MODEL_CATALOG[PAD_MODEL_FILE].bytes);
    const model = loadPadModel(realDir);
    expect(model.modelId).toBe(`pad_model@${MODEL_CATALOG[PAD_MODEL_FILE].sha256.slice(0, 12)}`);
    expect(model.file.bands.spoofBelow).toBeLessThan(model.file.bands.clearLiveMin);
  });

  it('a missing file stops the station start with MODEL_MISSING', async () => {
    const dir = modelsWithout(PAD_MODEL_FILE);
    await expect(
      openStation({ dataDir: join(tmp.dir, 'data-missing'), modelsDir: dir, mode: 'cli' }),
    ).rejects.toMatchObject({ code: 'MODEL_MISSING' });
    await expect(
      openStation({ dataDir: join(tmp.dir, 'data-missing'), modelsDir: dir, mode: 'cli' }),
    ).rejects.toThrow(/pad_model\.json is missing/);
  });

  it('an altered file (one coefficient changed) stops it with MODEL_TAMPERED', async () => {
    const dir = modelsWithout(PAD_MODEL_FILE);
    const text = readFileSync(join(realDir, PAD_MODEL_FILE), 'utf8');
    // A plausible edit an attacker would make: lower the clearly-live band.
    const edited = text.replace(/"clearLiveMin":[0-9.]+/, '"clearLiveMin":0.0001');
    expect(edited).not.toBe(text);
    writeFileSync(join(dir, PAD_MODEL_FILE), edited);
    await expect(
      openStation({ dataDir: join(tmp.dir, 'data-tampered'), modelsDir: dir, mode: 'cli' }),
    ).rejects.toMatchObject({ code: 'MODEL_TAMPERED' });
  });
});
