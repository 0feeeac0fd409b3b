import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { type Db } from '../../src/main/db/connection';
import { SettingsRepository } from '../../src/main/db/settings.repository';
import { BEST_SCORING } from '../../src/main/core/recognition/identify-scoring';
import { SettingsService } from '../../src/main/core/settings/settings.service';
import {
  DEFAULT_IDENTIFY_SCORING,
  DEFAULT_THRESHOLDS,
} from '../../src/main/core/settings/threshold-defaults';
import { dataPaths } from '../../src/main/core/util/data-dir';
import { makeTempDir } from '../support/temp-dir';
import { openDatabase } from '../../src/main/composition/station-database';

/**
 * Which scoring the identify threshold is judged with, on a real settings table: an adopted
 * threshold keeps the scoring it was calibrated with, and one stored before scorings existed
 * keeps its raw meaning, so an upgrade never changes whom the door admits.
 */
describe('identify scoring settings', () => {
  const tmp = makeTempDir('identify-scoring-');
  let db: Db | undefined;
  afterEach(() => db?.close());
  afterAll(() => tmp.cleanup());

  function settings(folder: string): SettingsService {
    mkdirSync(join(tmp.dir, folder), { recursive: true });
    db = openDatabase(dataPaths(join(tmp.dir, folder)).database);
    return new SettingsService(new SettingsRepository(db));
  }

  it('uses the space default on a fresh station, and the stored scoring once adopted', () => {
    const s = settings('fresh');
    expect(s.identifyScoring(DEFAULT_IDENTIFY_SCORING)).toEqual(DEFAULT_IDENTIFY_SCORING);
    s.setThresholds({ ...DEFAULT_THRESHOLDS, identify: 0.47 });
    s.setIdentifyScoring({ kind: 'cohort', cohortSize: 5, reference: 0.3 });
    db!.close();
    const reopened = settings('fresh');
    expect(reopened.identifyScoring(DEFAULT_IDENTIFY_SCORING)).toEqual({
      kind: 'cohort',
      cohortSize: 5,
      reference: 0.3,
    });
    expect(() =>
      reopened.setIdentifyScoring({ kind: 'cohort', cohortSize: -1, reference: 0 }),
    ).toThrow();
  });

  it('reads a threshold stored without a scoring (an older station) as a raw one', () => {
    const s = settings('older');
    // What an older station's adoption stored: thresholds only.
    s.setThresholds({ ...DEFAULT_THRESHOLDS, identify: 0.5 });
    expect(s.identifyScoring(DEFAULT_IDENTIFY_SCORING)).toEqual(BEST_SCORING);
    // A damaged stored scoring is no scoring: the same raw reading.
    new SettingsRepository(db!).set('identify_scoring', { kind: 'cohort' });
    expect(s.identifyScoring(DEFAULT_IDENTIFY_SCORING)).toEqual(BEST_SCORING);
  });
});
