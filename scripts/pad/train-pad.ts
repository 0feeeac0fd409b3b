/**
 * `npm run train:pad [-- --rebuild] [-- --check]`: fits the shipped PAD model on the
 * developers' data (../shared/data or $STATION_FACE_DATA) and writes models/pad_model.json.
 *
 * 1. Measures every frame once into .cache/pad (face, texture-network logits, features; about
 *    7 minutes on 2 cores), reused while the measurement code's version is unchanged
 *    (--rebuild forces it).
 * 2. Leave-one-source-out scores -> the default passive bands; fit on every sample.
 * 3. Writes the file and prints its SHA-256 and size: the catalog pin
 *    (src/main/core/models/model-catalog.ts, 'pad_model.json') must be updated with it.
 *    --check writes nothing and fails when the result differs from the committed file.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { sha256Hex, projectRoot } from '../../src/main/core/models/model-verifier';
import { MODEL_CATALOG } from '../../src/main/core/models/model-catalog';
import { padCache } from './pad-cache';
import { SHIPPED_RECIPE } from './pad-recipe';
import { trainPadModel } from './pad-training';

const log = (line: string): void => console.log(`[train:pad] ${line}`);

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rebuild: { type: 'boolean', default: false },
      check: { type: 'boolean', default: false },
    },
  });
  const root = projectRoot();
  const cache = await padCache(root, values.rebuild ?? false, log);
  log(
    `${cache.samples.length} frames; ${cache.noFace.length} without a face; ${cache.unreadable.length} unreadable`,
  );
  const run = trainPadModel(cache, SHIPPED_RECIPE);
  const sha = sha256Hex(run.bytes);
  log(`leave-one-source-out mean AUC ${String(run.file.training.leaveOneSourceOutMeanAuc)}`);
  log(`bands: spoof < ${run.file.bands.spoofBelow}, clear live >= ${run.file.bands.clearLiveMin}`);
  const path = join(root, 'models', 'pad_model.json');
  if (values.check) {
    const committed = readFileSync(path);
    if (!committed.equals(run.bytes)) {
      throw new Error(
        `models/pad_model.json differs from this run (sha256 ${sha}, ${run.bytes.length} bytes)`,
      );
    }
    log(`reproduced models/pad_model.json bit for bit (sha256 ${sha})`);
    return;
  }
  writeFileSync(path, run.bytes);
  const pin = MODEL_CATALOG['pad_model.json'];
  log(`wrote models/pad_model.json: sha256 ${sha}, ${run.bytes.length} bytes`);
  if (pin.sha256 !== sha || pin.bytes !== run.bytes.length) {
    log('the catalog pin differs: update sha256 and bytes of pad_model.json in model-catalog.ts');
  }
}

main().catch((err: unknown) => {
  console.error(`[train:pad] FAILED: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
