import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStation } from '../../src/main/station-factory';
import { makeTempDir } from '../support/temp-dir';

const BIN = resolve(__dirname, '../../bin/station.cjs');

describe('station operator passphrase (CLI)', () => {
  const tmp = makeTempDir('operator-cli-');
  afterAll(() => tmp.cleanup());
  const run = (args: string[], input = '') =>
    spawnSync(process.execPath, [BIN, '--data-dir', tmp.dir, '--json', ...args], {
      encoding: 'utf8',
      input,
      timeout: 120_000,
    });

  it('sets from stdin, refuses a short one, sets from a file, and clears', async () => {
    const short = run(['operator', 'passphrase', '--role', 'admin'], 'short\n');
    expect(short.status).not.toBe(0);
    expect(short.stderr + short.stdout).toMatch(/at least 10/);

    const set = run(['operator', 'passphrase', '--role', 'admin'], 'admin passphrase 1\n');
    expect(set.status, set.stderr).toBe(0);
    expect(JSON.parse(set.stdout)).toEqual({ role: 'admin', auth: 'protected' });

    const file = join(tmp.dir, 'reviewer.pass');
    writeFileSync(file, 'reviewer passphrase 1\n', { mode: 0o600 });
    const fromFile = run([
      'operator',
      'passphrase',
      '--role',
      'reviewer',
      '--passphrase-file',
      file,
    ]);
    expect(fromFile.status, fromFile.stderr).toBe(0);

    const station = await openStation({ dataDir: tmp.dir, mode: 'cli' });
    try {
      expect(station.info.status().auth).toEqual({ admin: 'protected', reviewer: 'protected' });
      // The trailing newline of stdin is not part of the passphrase.
      expect(station.operators.login('admin', 'admin passphrase 1').role).toBe('admin');
    } finally {
      station.close();
    }

    const cleared = run(['operator', 'passphrase', '--role', 'reviewer', '--clear']);
    expect(cleared.status, cleared.stderr).toBe(0);
    expect(run(['operator', 'passphrase', '--role', 'boss']).status).toBe(2);
    const reopened = await openStation({ dataDir: tmp.dir, mode: 'cli' });
    try {
      expect(reopened.info.status().auth).toEqual({ admin: 'protected', reviewer: 'open' });
    } finally {
      reopened.close();
    }
  });
});
