import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LIMITS } from '../../src/shared/limits';
import { sharedDataPath } from '../support/shared-data';
import { stationCli } from '../support/station-cli-runner';
import { makeTempDir } from '../support/temp-dir';

const tmp = makeTempDir('station-cli-limits-');
const station = stationCli(join(tmp.dir, 'data'));
afterAll(() => tmp.cleanup());

/**
 * A 20k-character argument used to crash the CLI with SIGSEGV: onnxruntime, loading in its
 * worker threads, recursed over the process command line until the worker's stack ran out.
 * Lengths are now checked before anything native runs.
 */
const HUGE = 'a'.repeat(20_000);
const photo = sharedDataPath('small_identity_sets', 'faceapi_bbt', 'amy', 'amy1.png');

describe('argument lengths are checked before anything native runs (real CLI)', () => {
  it('a 20k-character --name is a clear usage error, not a crash', () => {
    const r = station('enroll', '--name', HUGE, '--consent', photo);
    expect(r.code, r.stderr.slice(0, 300)).toBe(2);
    expect(r.stderr).toMatch(
      new RegExp(`--name is 20000 characters long; at most ${LIMITS.maxNameLength}`),
    );
    expect(r.stderr.length).toBeLessThan(400);
  });

  it('a 20k-character person to erase, or any other huge argument, is refused the same way', () => {
    const erase = station('people', 'erase', HUGE);
    expect(erase.code, erase.stderr.slice(0, 300)).toBe(2);
    expect(erase.stderr).toMatch(/NAME-or-ID is 20000 characters long/);
    const other = station('identify', HUGE);
    expect(other.code, other.stderr.slice(0, 300)).toBe(2);
    expect(other.stderr).toMatch(/an argument is 20000 characters long; at most 4096/);
  });

  it('a name of the maximum length still works', () => {
    const r = station('enroll', '--name', 'b'.repeat(LIMITS.maxNameLength), '--consent', photo);
    expect(r.code, r.stderr).toBe(0);
  });
});
