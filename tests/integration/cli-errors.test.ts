import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stationCli } from '../support/station-cli-runner';
import { makeTempDir } from '../support/temp-dir';

const tmp = makeTempDir('station-cli-errors-');
const station = stationCli(join(tmp.dir, 'data'));
afterAll(() => tmp.cleanup());

/** One error line on stderr, at most a one-line hint to --help, nothing on stdout. */
function expectOneLineError(r: ReturnType<typeof station>, message: RegExp): void {
  expect(r.stdout).toBe('');
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines.length, r.stderr).toBeLessThanOrEqual(2);
  expect(lines[0]).toMatch(/^station: /);
  expect(lines[0]).toMatch(message);
  if (lines[1] !== undefined) expect(lines[1]).toMatch(/--help/);
  expect(r.stderr).not.toMatch(/Usage: station/);
}

describe('CLI errors (real `station` child processes)', () => {
  it('usage errors: one line on stderr and a hint to --help, never the usage text', () => {
    const cases: [string[], RegExp][] = [
      [[], /no command/],
      [['--bogus'], /Unknown option '--bogus'/],
      [['people', 'erase'], /people erase needs one NAME-or-ID/],
      [['enroll', '--name', 'x'], /--consent/],
      [['frobnicate'], /unknown command: frobnicate/],
    ];
    for (const [args, message] of cases) {
      const r = station(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expectOneLineError(r, message);
    }
  });

  it('--help prints the usage on stdout and succeeds', () => {
    const r = station('--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: station/);
    expect(r.stderr).toBe('');
  });

  it('a failed command says why on stderr, not stdout', () => {
    const r = station('people', 'erase', 'Nobody');
    expect(r.code).toBe(1);
    expectOneLineError(r, /No enrolled person matches "Nobody" \[PERSON_NOT_FOUND\]/);
  });

  it('identify: an unreadable file is an error on stderr; stdout keeps the results only', () => {
    const missing = join(tmp.dir, 'missing.jpg');
    const r = station('identify', missing);
    expect(r.code).toBe(1);
    expect(r.stdout).not.toMatch(/ERROR|Cannot read/);
    expect(r.stderr).toMatch(new RegExp(`station: ${missing}: Cannot read`));
  });
});
