import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  GROUP_SIZES,
  measurePadFeatures,
  PAD_FEATURE_GROUPS,
} from '../../src/main/core/liveness/pad-features';
import { projectRoot } from '../../src/main/core/models/model-verifier';
import { padCache } from '../../scripts/pad/pad-cache';
import { presentationFrames } from '../../scripts/pad/pad-frames';
import { padPresentations } from '../../scripts/pad/pad-dataset';
import { GROUP_OFFSET, type PadCache } from '../../scripts/pad/pad-feature-cache';
import { SHIPPED_RECIPE } from '../../scripts/pad/pad-recipe';
import { trainPadModel } from '../../scripts/pad/pad-training';
import { sharedDataDir } from '../support/shared-data';

/**
 * `npm run train:pad` reproduces the committed weights bit for bit: from the developers' data
 * (measured once into .cache/pad, several minutes on a fresh machine), the same recipe gives the
 * same file. And the cache is not stale: frames measured afresh equal the cached rows.
 */
let cache: PadCache;
beforeAll(async () => {
  cache = await padCache(projectRoot(), false, () => undefined);
}, 3_600_000);

describe('PAD training is reproducible', () => {
  it('frames measured now equal the cached measurements', async () => {
    const data = sharedDataDir();
    const picks = padPresentations(data).filter((_, i) => i % 400 === 7);
    let checked = 0;
    for (const p of picks) {
      for await (const { image, index } of presentationFrames(data, p)) {
        const i = cache.samples.findIndex((s) => s.file === p.file && s.frame === index);
        if (i < 0) continue;
        const s = cache.samples[i]!;
        const m = measurePadFeatures(image, s.square, PAD_FEATURE_GROUPS, s.logits);
        const row = cache.features[i]!;
        for (const g of PAD_FEATURE_GROUPS) {
          const cached = Array.from(
            row.subarray(GROUP_OFFSET[g], GROUP_OFFSET[g] + GROUP_SIZES[g]),
          );
          const now = m.groups[g];
          if (now) expect(Array.from(now)).toEqual(cached);
          else expect(cached.every(Number.isNaN)).toBe(true);
        }
        checked++;
        break;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(5);
  });

  it('refitting gives models/pad_model.json byte for byte', () => {
    const run = trainPadModel(cache, SHIPPED_RECIPE);
    const committed = readFileSync(join(projectRoot(), 'models', 'pad_model.json'));
    expect(run.bytes.equals(committed)).toBe(true);
  }, 3_600_000);
});
