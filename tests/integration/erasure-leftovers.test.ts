import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dataPaths } from '../../src/main/core/util/data-dir';
import { openStation } from '../../src/main/station-factory';
import { sharedDataPath } from '../support/shared-data';
import { stationCli } from '../support/station-cli-runner';
import { makeTempDir } from '../support/temp-dir';

/**
 * Item 4 of issue 13: a process killed while writing the index leaves `gallery.faiss.<pid>.tmp`,
 * a sealed copy of every vector, and erasure verified only a fixed list of files, so it said
 * `verified: true` while the erased person's vectors stayed on disk in that file.
 *
 * The leftover here is what a killed writer leaves: a complete sealed index under the
 * temp-file name of a process that no longer exists (the kill -9 soak,
 * kill9-soak.test.ts, produces them for real).
 */
const tmp = makeTempDir('station-erasure-leftovers-');
afterAll(() => tmp.cleanup());

const photos = (who: string) =>
  [1, 2].map((i) => sharedDataPath('small_identity_sets', 'faceapi_bbt', who, `${who}${i}.png`));
/** A pid no process has (Linux pids stay below 2^22). */
const DEAD_PID = 4_194_999;

function enrolTwo(dataDir: string): ReturnType<typeof stationCli> {
  const cli = stationCli(dataDir);
  for (const [name, who] of [
    ['Amy', 'amy'],
    ['Penny', 'penny'],
  ] as const)
    expect(cli('enroll', '--name', name, '--consent', ...photos(who)).code).toBe(0);
  return cli;
}

const tempFiles = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.tmp'));

describe('no copy of an erased person survives in the data folder', () => {
  it('a start removes the temp files a killed writer left', () => {
    const dataDir = join(tmp.dir, 'start');
    const cli = enrolTwo(dataDir);
    const index = dataPaths(dataDir).galleryIndex;
    copyFileSync(index, `${index}.${DEAD_PID}.tmp`);
    copyFileSync(`${index}.json`, `${index}.json.${DEAD_PID}.tmp`);
    // A first start killed while writing a key: the key writer's temp name has a random part.
    const keys = dirname(dataPaths(dataDir).templateKey);
    copyFileSync(
      dataPaths(dataDir).templateKey,
      join(keys, `template.key.${DEAD_PID}.0a1b2c3d.tmp`),
    );
    copyFileSync(
      dataPaths(dataDir).auditMacKey,
      join(keys, `audit-mac.key.${DEAD_PID}.12345678.tmp`),
    );
    expect(tempFiles(dataDir)).toHaveLength(2);
    expect(tempFiles(keys)).toHaveLength(2);
    expect(cli('people', 'list').code).toBe(0);
    expect(tempFiles(dataDir)).toEqual([]);
    expect(tempFiles(keys)).toEqual([]);
  });

  it('erasure removes a sealed index copy left while the station runs, and still verifies', async () => {
    const dataDir = join(tmp.dir, 'erase-tmp');
    enrolTwo(dataDir);
    const station = await openStation({ dataDir, mode: 'cli' });
    try {
      const index = dataPaths(dataDir).galleryIndex;
      const leftover = `${index}.${DEAD_PID}.tmp`;
      copyFileSync(index, leftover);
      const amy = station.directory.find('Amy')[0]!;
      const report = station.eraser.erasePerson(amy.id);
      expect(existsSync(leftover)).toBe(false);
      expect(report).toMatchObject({ verified: true, problems: [] });
    } finally {
      station.close();
    }
  });

  it('erasure scans every file in the data folder and names one still holding the person', () => {
    const dataDir = join(tmp.dir, 'erase-copy');
    const cli = enrolTwo(dataDir);
    // Someone's copy of the database inside the data folder, made before the erasure.
    mkdirSync(join(dataDir, 'old'));
    const copy = join(dataDir, 'old', 'station-backup.sqlite');
    copyFileSync(dataPaths(dataDir).database, copy);
    const r = cli('people', 'erase', 'Amy', '--json');
    expect(r.code).toBe(1);
    const report = r.json as { verified: boolean; problems: string[] };
    expect(report.verified).toBe(false);
    expect(report.problems.join('\n')).toContain(copy);
  });
});
