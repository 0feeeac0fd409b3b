import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sharedDataPath } from '../support/shared-data';
import { stationCli } from '../support/station-cli-runner';
import { makeTempDir } from '../support/temp-dir';

const tmp = makeTempDir('station-erase-cli-');
const dataDir = join(tmp.dir, 'data');
const bbt = (who: string, i: number) =>
  sharedDataPath('small_identity_sets', 'faceapi_bbt', who, `${who}${i}.png`);

afterAll(() => tmp.cleanup());

const station = stationCli(dataDir);

function enroll(name: string, who: string): string {
  const r = station('enroll', '--name', name, '--consent', bbt(who, 1), bbt(who, 2), '--json');
  expect(r.code).toBe(0);
  return (r.json as { person: { id: string } }).person.id;
}

const names = () =>
  (station('people', 'list', '--json').json as { people: { name: string }[] }).people.map(
    (p) => p.name,
  );

describe('station people erase (plain Node CLI, real models and data)', () => {
  it('erases by name, refuses unknown and ambiguous names, leaves a verifiable log', () => {
    const amyId = enroll('Amy Farrah Fowler', 'amy');
    const twinA = enroll('Sam Twin', 'howard');
    enroll('Sam Twin', 'raj');

    const unknown = station('people', 'erase', 'Nobody', '--json');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/PERSON_NOT_FOUND/);

    const ambiguous = station('people', 'erase', 'sam twin');
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toMatch(/2 people are named "sam twin"; erase one by id/);
    expect(ambiguous.stderr).toContain(twinA);
    expect(names()).toEqual(['Amy Farrah Fowler', 'Sam Twin', 'Sam Twin']);

    const erased = station('people', 'erase', 'amy farrah fowler', '--json');
    expect(erased.code).toBe(0);
    expect(erased.json).toEqual({
      erased: { id: amyId, name: 'Amy Farrah Fowler' },
      templates: 2,
      verified: true,
    });
    expect(names()).toEqual(['Sam Twin', 'Sam Twin']);
    const query = station('audit', 'query', '--person', amyId, '--json');
    expect(query.code).toBe(1);
    expect(query.stderr).toMatch(/PERSON_NOT_FOUND/);

    const byId = station('people', 'erase', twinA);
    expect(byId.code).toBe(0);
    expect(byId.stdout).toMatch(/^Erased Sam Twin .*2 template\(s\) removed; verified/);
    expect(names()).toEqual(['Sam Twin']);

    // 3 enrolments + 2 erasures, chain intact.
    const verify = station('audit', 'verify', '--json');
    expect(verify.json).toEqual({ ok: true, rows: 5, firstBrokenRow: null, reason: null });
    expect(station('people', 'erase').code).toBe(2);
    expect(station('people', 'erase', 'a', 'b').code).toBe(2);
  }, 300_000);
});
