import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Station } from '../../src/main/core/station.service';
import { openStation } from '../../src/main/station-factory';
import { celebaOpenSetSplit } from '../support/celeba-split';
import { sharedDataDir } from '../support/shared-data';
import { makeTempDir } from '../support/temp-dir';

/**
 * 1:N identification on real in-the-wild photos: 60 CelebA identities enrolled from 3 photos
 * each, probed with their held-out photos and with 60 strangers, at the default thresholds.
 */
describe('open-set identification over 60 enrolled CelebA identities', () => {
  const tmp = makeTempDir();
  let station: Station;
  const split = celebaOpenSetSplit(sharedDataDir(), 60, 60);
  const idToPerson = new Map<string, string>();

  beforeAll(async () => {
    station = await openStation({ dataDir: tmp.dir, mode: 'cli' });
    for (const [id, files] of split.enrolled) {
      const images = files.map((f) => ({ fileName: f, bytes: readFileSync(f) }));
      const r = await station.intake.enroll({
        name: `celeb-${id}`,
        consent: true,
        images,
        recordedBy: 'test',
      });
      if (r.person) idToPerson.set(id, r.person.id);
    }
  });
  afterAll(() => {
    station?.close();
    tmp.cleanup();
  });

  async function best(file: string) {
    const faces = await station.recognition.identify(readFileSync(file), file);
    // In-the-wild photos may show bystanders: judge the most similar face.
    return faces.sort((a, b) => b.similarity - a.similarity)[0];
  }

  it('enrols at least 55 of the 60 identities', () => {
    expect(idToPerson.size).toBeGreaterThanOrEqual(55);
    expect(station.info.status().people).toBe(idToPerson.size);
  });

  it('names the right person for most held-out photos and never the wrong one', async () => {
    let right = 0;
    let wrong = 0;
    let probes = 0;
    for (const [id, file] of split.genuineProbes) {
      const personId = idToPerson.get(id);
      if (!personId) continue;
      probes++;
      const face = await best(file);
      if (face?.decision !== 'granted') continue;
      if (face.person?.id === personId) right++;
      else wrong++;
    }
    console.log(`genuine probes: ${probes}, granted right: ${right}, granted wrong: ${wrong}`);
    expect(right / probes).toBeGreaterThanOrEqual(0.75);
    expect(wrong).toBeLessThanOrEqual(1);
  });

  it('lets almost no stranger through', async () => {
    let granted = 0;
    for (const file of split.strangerProbes) {
      if ((await best(file))?.decision === 'granted') granted++;
    }
    console.log(`strangers: ${split.strangerProbes.length}, granted: ${granted}`);
    expect(granted / split.strangerProbes.length).toBeLessThanOrEqual(0.05);
  });
});
